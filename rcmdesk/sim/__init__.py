"""The clearinghouse simulator: a trading partner in front of synthetic payers, so the whole
chain (files out, answers back, real-time inquiries) can be tried without a real one."""
