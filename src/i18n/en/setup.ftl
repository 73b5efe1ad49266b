### setup — English. Ids start with "setup-"; the same ids live in ../ja/setup.ftl.

setup-getting-ready-sign-in = Getting ready: sign in
setup-choose-your-organisation-s-profile = Choose your organisation's profile (the file your IT centre gave you):
setup-unusable = {"  "}(unusable)
setup-path-to-a-file = Path to a file
setup-profile = Profile
setup-mail-address = Mail address
setup-user = user
setup-password = Password
setup-kept-in-memory-only-never = {"  "}Kept in memory only, never saved

setup-empty-uses-env-password = {"  "}Leave empty to use the password in { $env }
