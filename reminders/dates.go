package reminders

import "naryad/hub"

// dateLayout is how calendar dates are kept (hub.DateLayout).
const dateLayout = hub.DateLayout
