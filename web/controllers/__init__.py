"""Every controller the app serves; each module owns its routes and templates."""

from web.controllers.api import ApiController
from web.controllers.home import home
from web.controllers.office import OfficeController

CONTROLLERS = [home, OfficeController, ApiController]
