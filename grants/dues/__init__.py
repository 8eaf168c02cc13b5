"""What falls due on each grant, kept in a table (grants.models.GrantDue) by one writer
(grants.dues.store) that a flush hook calls (grants.dues.hook), and read at the reader's clock
(grants.dues.queries): the oversight page and the payments overview."""
