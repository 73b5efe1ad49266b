### doctor — English. Ids start with "doctor-"; the same ids live in ../ja/doctor.ftl.

