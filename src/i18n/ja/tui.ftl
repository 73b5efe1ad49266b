### tui — Japanese. Ids start with "tui-"; the same ids live in ../en/tui.ftl.

