"""The person's own case file: an image-free evidence log, takedown tracking, reminders
and an export for the police, a solicitor or a helpline.

- entries.py: the five kinds of entry (place, threat, account, report, police contact);
  field_rules.py: what each field accepts.
- log_store.py: a conversation's numbered log; reminders.py: its reminders;
  tables.py: where both live (the outbox database, encrypted); case_file.py: the two
  together, erased and purged as one.
- tracking.py: which reports are past a removal time limit, and where to escalate;
  status_update.py: "the reddit one is gone" read as a change of status.
- export.py: the document; export_text.py and export_pdf.py: its two forms;
  redaction.py: explicit words kept out of it.
- reminder_runner.py: delivers due reminders, each once.

Nothing here logs what a person told the assistant.
"""
