### inventory — English. Ids start with "inventory-"; the same ids live in ../ja/inventory.ftl.

