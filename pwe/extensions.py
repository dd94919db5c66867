"""Flask extensions, created unbound and attached in create_app."""

from typing import TYPE_CHECKING

from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()

# the tables' base class: db.Model is built at run time from Base; type checkers see Base, which
# gives the Mapped[] columns
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
