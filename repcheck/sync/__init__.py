"""Offline-first sync: the journal to a shared PostgreSQL, videos to an S3 bucket.

``plan`` decides what to do from local and remote state without touching either;
``postgres`` and ``s3`` talk to the servers (and are the only modules importing psycopg and
boto3 for sync); ``run`` executes a plan under a lock and maps outcomes to exit codes.
"""
