"""rcmdesk: the back office of a healthcare revenue cycle.

The one process-wide warning filter lives here: asyncssh (our SFTP client and the
simulator's server) still names cryptography's deprecated DSA types, so importing it printed
five warnings on every command that loads the connectivity app.
"""

import warnings

warnings.filterwarnings("ignore", message="DSA is deprecated")
