### doctor — English. Ids start with "doctor-"; the same ids live in ../ja/doctor.ftl.

doctor-doctor = Doctor
doctor-finds-out-why-mail-programs = Finds out why mail programs cannot set themselves up: MX, SRV, autodiscover, SPF, DKIM and more.
doctor-the-diagnosis-failed = The diagnosis failed:
doctor-d-try-again = d: try again
doctor-meaning = Meaning:
doctor-fix = Fix:
doctor-warn = WARN
doctor-error = ERROR
doctor-autoconfig = Autoconfig
doctor-login = Login
doctor-mail-client = Mail client
doctor-tui-press-d = Press d or Enter to diagnose { $domain }.
doctor-tui-running = Diagnosing { $domain }...
doctor-tui-title = Doctor: { $domain } — { $ok } OK, { $warnings } warnings, { $errors } errors
doctor-summary = Summary: { $ok } OK, { $warnings } warnings, { $errors } errors
