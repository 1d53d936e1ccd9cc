"""Command-line interface. Each module registers one command group on :data:`app.app`.

CLI modules stay thin and light: they import their command's implementation inside the
command body, so that ``repcheck --help`` and ``repcheck log`` never pay for mediapipe,
OpenCV, matplotlib, boto3 or the Postgres driver.
"""
