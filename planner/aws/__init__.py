"""AWS clients. Nothing else in planner imports boto3.

Standard boto3 configuration applies: the credential chain, ``AWS_PROFILE``,
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>`` and adaptive retries. Only read-only
calls are made here.
"""
