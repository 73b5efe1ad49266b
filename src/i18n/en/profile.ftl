### profile — English. Ids start with "profile-"; the same ids live in ../ja/profile.ftl.

profile-check-fix = fix: { $fix }
