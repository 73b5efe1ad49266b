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
