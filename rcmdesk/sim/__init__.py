"""A clearinghouse simulator: SFTP mailboxes and CORE real-time endpoints in front of the
synthetic payers, so the whole chain (files out, answers back, real-time inquiries) can be
tried without a real trading partner.

Pure Python like ``rcmdesk.synth`` (an import-linter contract says so): it runs as its own
process (``rcmdesk sim``) and the product reaches it only over SFTP and HTTP, as it would a
real clearinghouse. ``clearinghouse`` answers uploads (999, TA1, 277CA, 835s days later),
``payers`` decides each claim's fate with the synthetic model, ``inquiries`` answers 270s and
276s, ``core_http`` serves them in real time (the CORE envelope is shared with our client,
``rcmdesk.connectivity.core_envelope``, itself pure Python), ``faults`` breaks things on
demand, ``server`` is the asyncssh SFTP server and ``run`` the long-running process.
"""
