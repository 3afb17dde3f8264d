"""The customer kiosk at /kiosk/<site> and the customer's phone page at /t/<token>: one
package with its own templates, static files and catalogue."""

from .phone import bp as phone_bp
from .views import bp

__all__ = ["bp", "phone_bp"]
