### inventory — English. Ids start with "inventory-"; the same ids live in ../ja/inventory.ftl.

inventory-role-inbox = inbox
inventory-role-sent = sent
inventory-role-drafts = drafts
inventory-role-trash = trash
inventory-role-junk = junk
inventory-role-archive = archive
inventory-role-all = all
inventory-role-flagged = flagged
inventory-col-folder = Folder
inventory-col-role = Role
inventory-col-messages = Messages
inventory-col-unseen = Unseen
inventory-col-size = Size
inventory-col-quota-root = Quota root
inventory-col-used = Used
inventory-col-limit = Limit
inventory-col-msg-limit = Msg limit
inventory-col-date = Date
inventory-col-from = From
inventory-col-subject = Subject
inventory-col-item = Item
inventory-col-value = Value
inventory-container = (container)
inventory-total = Total
inventory-server-delimiter = Server: { $server }  (delimiter: { $delimiter })
inventory-server = Server: { $server }
inventory-server-pop3 = Server: { $server } (POP3)
inventory-no-quota = This server reports no quota (no QUOTA capability); usage below is computed from message sizes.
inventory-sum-of-sizes = Sum of message sizes: { $size } / { $count } messages
inventory-target-exceeded = Migration target { $target } exceeded; reduce by { $over }
inventory-target-within = Migration target { $target } — within the target.
inventory-largest = Largest messages:
inventory-pop3-messages = Messages (STAT)
inventory-pop3-size = Size (STAT)
inventory-pop3-listed-size = Size (sum of LIST)
inventory-pop3-unique-ids = Unique ids (UIDL)
inventory-pop3-no-folders = POP3 has no folders: this is the server's INBOX.


inventory-quota-supported-no-limit = No quota is set for this account (QUOTA supported, no limit); usage below is computed from message sizes.

inventory-col-over-limit = {""}
inventory-over-limit-mark = ! over the limit
inventory-over-limit = { $count ->
    [one] { $count } message (marked !) is larger than the new server's limit of { $limit } and cannot be migrated: save its attachments elsewhere (OneDrive) and keep the message without them, or keep the backup as its copy.
   *[other] { $count } messages (marked !) are larger than the new server's limit of { $limit } and cannot be migrated: save their attachments elsewhere (OneDrive) and keep the messages without them, or keep the backup as their copy.
}
