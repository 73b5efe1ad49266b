### errors — English. Ids start with "errors-"; the same ids live in ../ja/errors.ftl.

errors-io-not-found = No such file or directory
errors-io-permission-denied = Permission denied
errors-io-is-a-directory = Is a directory
errors-io-invalid-data = the file is not valid UTF-8 text
errors-line = ikou: error: { $detail }
errors-profile-unusable = the profile is not usable (run `ikou profile check FILE` for details)
