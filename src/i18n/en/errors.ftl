### errors — English. Ids start with "errors-"; the same ids live in ../ja/errors.ftl.

errors-io-not-found = No such file or directory
errors-io-permission-denied = Permission denied
errors-io-is-a-directory = Is a directory
errors-io-invalid-data = the file is not valid UTF-8 text
# Stands for an operating-system or library detail that exists only in English.
errors-detail-with-v = run again with -v for the details
errors-line = ikou: error: { $detail }
errors-profile-unusable = the profile is not usable (run `ikou profile check FILE` for details)

# Connections that could not be made (the CLI's error line).
net-resolve = cannot resolve host name { $host }: { $detail }
net-refused = { $host }:{ $port }: connection refused (is the port right, is the server running?)
net-connect-timeout = { $host }:{ $port }: no answer within { $secs } s (firewall, wrong host, or server down)
net-connect = { $host }:{ $port }: cannot connect: { $detail }

# Backup files that cannot be read (the CLI's error line).
archive-not-zip = { $path } is not a zip file ({ $detail })
archive-not-ikou = { $path } is a zip file but not an ikou backup (it has no ikou-manifest.json)
archive-corrupt = { $path } is damaged: { $detail }
