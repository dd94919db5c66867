"""The yardstick: a bare Flask endpoint served with the same gunicorn.conf.py as the platform."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok"
