"""The customer kiosk (take a ticket, check in): its blueprint arrives with the kiosk issue."""
