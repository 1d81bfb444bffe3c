from rcmdesk.connectivity.tests.realtime_support import batch, core_sim

__all__ = ["batch", "core_sim"]
