### settings — English. Ids start with "settings-"; the same ids live in ../ja/settings.ftl.

