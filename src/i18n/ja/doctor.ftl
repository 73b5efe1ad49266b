### doctor — Japanese. Ids start with "doctor-"; the same ids live in ../en/doctor.ftl.

