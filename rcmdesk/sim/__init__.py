"""A clearinghouse simulator: SFTP mailboxes in front of the synthetic payers.

Pure Python like ``rcmdesk.synth`` (an import-linter contract says so): it runs as its own
process (``rcmdesk sim``) and the product reaches it only over SFTP and HTTP, as it would a
real clearinghouse. ``clearinghouse`` answers uploads (999, TA1, 277CA, 835s days later),
``payers`` decides each claim's fate with the synthetic model, ``faults`` breaks things on
demand, ``server`` is the asyncssh SFTP server and ``run`` the long-running process.
"""
