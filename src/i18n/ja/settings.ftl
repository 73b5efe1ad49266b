### settings — Japanese. Ids start with "settings-"; the same ids live in ../en/settings.ftl.

