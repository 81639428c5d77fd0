"""Every controller the app serves; each module owns its routes and templates."""

from web.controllers.account import AccountController
from web.controllers.admin import AdminUsersController
from web.controllers.admin_organisation import (AdminHomeController, AdminLeadersController, AdminRosterController,
                                                AdminUnitsController)
from web.controllers.api import ApiController
from web.controllers.api_accounts import AccountApiController, UsersApiController
from web.controllers.api_inspections import InspectionsApiController
from web.controllers.api_backtest import BacktestApiController
from web.controllers.api_deadlines import DeadlinesApiController
from web.controllers.api_head_report import HeadReportApiController
from web.controllers.api_items import ItemsApiController
from web.controllers.api_oversight import NoticesApiController, RectificationsApiController
from web.controllers.api_reports import ReportsApiController
from web.controllers.api_chain import ChainApiController
from web.controllers.chain import chain_page
from web.controllers.api_behaviour import BehaviourApiController
from web.controllers.behaviour import LeaderBehaviourController, OfficeBehaviourController
from web.controllers.discipline import DisciplineController
from web.controllers.files import FilesApiController, FilesController
from web.controllers.home import home
from web.controllers.leader import LeaderController
from web.controllers.messages import MessagesApiController, MessagesController
from web.controllers.office_push import OfficePushController
from web.controllers.office import OfficeController
from web.controllers.office_backtest import OfficeBacktestController
from web.controllers.office_bulletin import OfficeBulletinController
from web.controllers.office_deadlines import OfficeDeadlinesController
from web.controllers.office_inspections import OfficeInspectionController
from web.controllers.office_oversight import OfficeOversightController
from web.controllers.office_rectifications import OfficeRectificationController
from web.controllers.office_schemes import OfficeSchemesController
from web.controllers.api_schemes import SchemesApiController
from web.controllers.api_platform import PlatformApiController
from web.controllers.platform import PlatformController
from web.controllers.reports import HeadReportController, OfficeReportsController
from web.controllers.search import SearchApiController, SearchController
from web.controllers.unit import UnitController

CONTROLLERS = [home, chain_page, ChainApiController, OfficeController, OfficeOversightController, UnitController, LeaderController,
               DisciplineController, ApiController, ItemsApiController, NoticesApiController, RectificationsApiController,
               InspectionsApiController, ReportsApiController, DeadlinesApiController, OfficeDeadlinesController,
               OfficeRectificationController, OfficeInspectionController, OfficeBulletinController, AdminUsersController,
               AdminHomeController, AdminUnitsController, AdminLeadersController, AdminRosterController,
               PlatformController, AccountController, FilesController, FilesApiController, OfficeBacktestController,
               BacktestApiController, SearchController, SearchApiController, MessagesController, MessagesApiController, OfficePushController,
               HeadReportController, OfficeReportsController, HeadReportApiController,
               OfficeBehaviourController, LeaderBehaviourController, BehaviourApiController,
               OfficeSchemesController, SchemesApiController, UsersApiController, AccountApiController,
               PlatformApiController]
