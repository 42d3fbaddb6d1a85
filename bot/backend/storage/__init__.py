"""The backend's database: engines, tables, migrations, encryption, audit entries, counts, and Rasa's tracker rows."""
