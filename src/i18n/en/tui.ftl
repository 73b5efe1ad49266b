### tui — English. Ids start with "tui-"; the same ids live in ../ja/tui.ftl.

