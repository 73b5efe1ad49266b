### package — English. Ids start with "package-"; the same ids live in ../ja/package.ftl.


## Where a profile came from (ikou profile find, the TUI's first screen)
package-origin-embedded = the profile built into this package ({ $file })
package-origin-fetched = fetched from { $url } (checked)
package-origin-cache = the copy fetched from { $url } on { $fetched }
package-origin-file = the file { $path }

## What each place asked answered
package-attempt-used = used
package-attempt-other-domain = for { $domain }, not used
package-attempt-not-found = not there (HTTP { $status })
package-attempt-no-host = not there: { $detail }
package-attempt-unreachable = unreachable: { $detail }
package-attempt-refused = refused
package-found = Profile: { $name } — { $origin }
package-saved-to = Saved to: { $path }
package-no-network = No network: the profile for { $domain } cannot be fetched. Check the network, or choose the file your IT centre gave you.
package-not-published = { $domain } publishes no ikou profile. Choose the file your IT centre gave you.

## The TUI's first screen
package-find-prompt = Type your mail address; ikou finds your organisation's profile:
package-find-address = Mail address
package-find-looking = Looking for the profile of { $domain }…
package-find-or-choose = Or choose your organisation's profile (the file your IT centre gave you):
package-find-enter-address = Enter your mail address.

## A fetched profile refused
package-remote-command = a profile fetched over the network may not run commands on your computer
package-remote-command-fix = remove it from the published profile; password_env/token_env or ikou's own sign-in work instead (an IT centre's own package may build it in: docs/rollout.en.md)
package-remote-file = a profile fetched over the network may not read files on your computer
package-remote-file-fix = remove it: use pin_sha256, or install the CA in the system's trust store (or build the profile into your own package)
package-fetch-too-large = the file is larger than 256 KiB
package-fetch-not-text = the file is not UTF-8 text
package-fetch-not-ours = not a copy ikou saved
package-fetch-fix = publish the profile TOML itself (UTF-8)
