"""The roster from the SIS (A2): its files, and their import into the district's database.

Each module is one thing that changes on its own (imported from the module itself; this
package re-exports nothing):

- ``files``: the files' names and columns (the contract the README gives), and a writer.
- ``reading``: a file's header, then its rows a chunk at a time, unusable rows refused.
- ``checks``: each column's values checked and converted, a chunk's column at once.
- ``report``: what an import did, and why each refused row was refused.
- ``fingerprints``: digest sums, and what the last whole import of a file left.
- ``store``: the raw SQL of bulk writes and many-row reads, for SQLite and PostgreSQL.
- ``photos``: the photo file a students.csv row names, read and stored.
- ``schools``, ``students``, ``contacts``: each file into its table.
- ``importer``: the import as one audited transaction (``run_import``).
"""
