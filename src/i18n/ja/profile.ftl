### profile — Japanese. Ids start with "profile-"; the same ids live in ../en/profile.ftl.

profile-check-fix = 修正: { $fix }
