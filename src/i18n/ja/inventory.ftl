### inventory — Japanese. Ids start with "inventory-"; the same ids live in ../en/inventory.ftl.

