### common — English. Ids start with "common-"; the same ids live in ../ja/common.ftl.

common-messages = { $count ->
    [one] { $count } message
   *[other] { $count } messages
}
common-yes = yes
common-no = no
