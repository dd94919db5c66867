"""Views: each one reads the request, calls plain functions, and renders or redirects."""

from __future__ import annotations

import math
import random

from flask import (
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from pwe import limits, metrics
from pwe.citizens import bp, drafting, invited, presenting
from pwe.citizens.context import (
    StepContext,
    current_respondent,
    forget_respondent,
    load_consultation,
    remember_completion,
    remember_respondent,
)
from pwe.citizens.limiting import limit_starts, limit_submissions
from pwe.errors import SESSION_LOST, SESSION_LOST_TEXT, error_page
from pwe.flow import next_open_step, step_by_id, steps
from pwe.i18n import current_language
from pwe.models import Respondent
from pwe.services import consultations, drafts, invitations, quotas, responses
from pwe.templating import identity
from surveys.definition import PortfolioPage
from surveys.language import format_number

# why a start or a submission was refused, with how long to wait
TOO_MANY = {
    "start": lambda wait: _(
        "A consultation has been started many times from this internet connection in a short time. "
        "Please try again in %(wait)s.",
        wait=wait,
    ),
    "submit": lambda wait: _(
        "Many advices have been sent from this internet connection in a short time. Your earlier "
        "answers have been saved: in %(wait)s, go back to the previous page and send your advice again.",
        wait=wait,
    ),
}


@bp.get("/")
def home():
    rows = consultations.listed()
    return render_template(
        "citizens/home.html", items=[(row, consultations.definition_of(row)) for row in rows]
    )


@bp.get("/c/<slug>")
def landing(slug: str):
    row, consultation = load_consultation(slug)
    return _landing_page(row, consultation, current_respondent(row))


@bp.post("/c/<slug>")
@limit_starts
def start(slug: str):
    """Consent given: the start goes into the session; the respondent row waits for a saved step."""
    row, consultation = load_consultation(slug)
    respondent = current_respondent(row)
    if respondent is not None:
        return redirect(_resume_url(slug, respondent, consultation))
    reason = presenting.declined(consultation, request.form)
    if reason is not None:
        return render_template("citizens/declined.html", row=row, c=consultation, reason=reason)
    errors = presenting.landing_errors(consultation, request.form)
    if errors:
        return _landing_page(row, consultation, None, errors)
    remember_respondent(row, invited.start(row, consultation, _rng()))
    limits.count_this_request()
    metrics.STARTS.labels(slug).inc()
    return redirect(url_for("citizens.step", slug=slug, step_id=steps(consultation)[0].id))


def _landing_page(row, consultation, respondent, errors=()):
    resume_url = _resume_url(row.slug, respondent, consultation) if respondent else None
    done = respondent is not None and respondent.response is not None
    return render_template(
        "citizens/landing.html",
        row=row,
        c=consultation,
        errors=list(errors),
        form=request.form,
        resume_url=resume_url,
        done=done,
    ), (422 if errors else 200)


@bp.get("/c/<slug>/<step_id>")
def step(slug: str, step_id: str):
    ctx = _step_context(slug, step_id)
    if not isinstance(ctx, StepContext):
        return ctx
    return render_template(ctx.template, **presenting.step_view(ctx, _shown(ctx)))


@bp.post("/c/<slug>/<step_id>")
@limit_submissions
def submit(slug: str, step_id: str):
    """A step sent: re-shown with its problems, or saved; the last step completes the response."""
    ctx = _step_context(slug, step_id)
    if not isinstance(ctx, StepContext):
        return ctx
    result = _parse(ctx)
    action = request.form.get("action")
    if action in ("previous", "language"):
        # where the respondent asked to go, with what they typed kept as a draft, unchecked
        _keep_draft(ctx, result.answer)
        if action == "previous":
            return redirect(presenting.previous_url(ctx))
        return redirect(url_for("citizens.step", slug=slug, step_id=step_id))
    if action == "recalculate" or not result.ok:
        _keep_draft(ctx, result.answer)
        return render_template(
            ctx.template, **presenting.step_view(ctx, result.answer, result, show_errors=True)
        ), (200 if result.ok else 422)
    respondent = _persisted(ctx)
    if ctx.next_step is None:  # the last step
        try:
            if responses.complete(
                respondent,
                ctx.consultation,
                ctx.step.id,
                result.answer,
                presenting.touched(ctx, result.answer),
            ):
                limits.count_this_request()
                metrics.COMPLETIONS.labels(slug).inc()
        except responses.InvitationSpent:
            invited.refuse(ctx.row, ctx.consultation, invitations.of_respondent(respondent))
        remember_completion(ctx.row, respondent)
        return redirect(url_for("citizens.thanks", slug=slug))
    quota_may_apply = quotas.may_stop(respondent)
    responses.save_answer(
        respondent,
        ctx.step.id,
        result.answer,
        presenting.touched(ctx, result.answer),
        drafted=ctx.draft is not None,
    )
    if ctx.next_step.kind == "motivation":
        _set_aside_motivations(ctx, respondent, result.answer)
    if quota_may_apply and quotas.stop_if_full(respondent, {**ctx.saved, ctx.step.id: result.answer}):
        return redirect(url_for("citizens.quota_full", slug=slug))
    return redirect(url_for("citizens.step", slug=slug, step_id=ctx.next_step.id))


@bp.post("/c/<slug>/<step_id>/check")
def check(slug: str, step_id: str):
    """Live feedback for the enhanced form: the same server rules, rendered as the same fragment."""
    ctx = _step_context(slug, step_id)
    if not isinstance(ctx, StepContext):
        abort(409)
    if ctx.step.kind != "page" or ctx.step.page.type not in ("portfolio", "points"):
        abort(404)  # only allocation steps have a live status
    result = _parse(ctx)
    view = presenting.step_view(ctx, result.answer, result, show_errors=False)
    html = render_template("citizens/_live_summary.html", **view)
    return jsonify({"ok": result.ok, "html": html})


ABOUT_PAGES = ("privacy", "cookies", "accessibility")


@bp.get("/c/<slug>/about/<what>")
def about(slug: str, what: str):
    """The privacy statement, the cookie note and the accessibility statement of a consultation."""
    if what not in ABOUT_PAGES:
        abort(404)
    row, consultation = load_consultation(slug, allow_closed=True)
    who = identity()
    return render_template(
        "citizens/about.html",
        row=row,
        c=consultation,
        what=what,
        organiser=who.organiser,
        contact=who.contact,
        cookie_name=current_app.config["SESSION_COOKIE_NAME"],
        # what the cookie note promises is what the session does
        cookie_days=current_app.permanent_session_lifetime.days,
    )


@bp.get("/c/<slug>/thanks")
def thanks(slug: str):
    row, consultation = load_consultation(slug, allow_closed=True)
    respondent = current_respondent(row)
    if respondent is None or respondent.response is None:
        return redirect(url_for("citizens.landing", slug=slug))
    view = consultation.for_version(respondent.version)
    return render_template(
        "citizens/thanks.html",
        row=row,
        c=view,
        advice=presenting.advice_summary(view, respondent.response.answers, respondent.option_order),
        code=respondent.pseudonym,
    )


@bp.post("/c/<slug>/someone-else")
def someone_else(slug: str):
    """Someone else on this device wants to take part: forget the previous person here, so the
    next one starts afresh and never sees their advice."""
    row, _consultation = load_consultation(slug)
    forget_respondent(row)
    invited.forget(row)
    return redirect(url_for("citizens.landing", slug=slug))


@bp.errorhandler(CSRFError)
def session_lost(error):
    """A form whose security token does not match: the session ended, or cookies are blocked.
    Either way nothing is saved; say which, in the respondent's language, and lead them back."""
    slug = (request.view_args or {}).get("slug")
    found = consultations.find(slug) if slug else None
    if found is None:
        return error_page(400, SESSION_LOST, SESSION_LOST_TEXT)
    try:
        row, consultation = load_consultation(slug, allow_closed=True)
    except HTTPException as refused:  # a draft or archived consultation: its own page
        return refused
    respondent = current_respondent(row)
    cookies_blocked = current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
    return render_template(
        "citizens/session_lost.html",
        row=row,
        c=consultation,
        cookies_blocked=cookies_blocked,
        lost_title=SESSION_LOST,
        lost_text=SESSION_LOST_TEXT,
        back=_resume_url(slug, respondent, consultation)
        if respondent
        else url_for("citizens.landing", slug=slug),
    ), 400


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """Re-show the step with its saved answers: an oversized body cannot be read back."""
    slug, step_id = (request.view_args or {}).get("slug"), (request.view_args or {}).get("step_id")
    if slug and step_id and request.endpoint == "citizens.submit":
        ctx = _step_context(slug, step_id)
        if isinstance(ctx, StepContext):
            view = presenting.step_view(
                ctx,
                _shown(ctx),
                notice=_("What you sent was too large. Shorten your texts and try again."),
            )
            return render_template(ctx.template, **view), 413
    return error_page(413)


@bp.errorhandler(RateLimitExceeded)
def too_many(error):
    """A polite refusal in the respondent's language that says when to try again."""
    slug = (request.view_args or {}).get("slug")
    row, consultation = load_consultation(slug, allow_closed=True) if slug else (None, None)
    seconds = limits.retry_after_seconds()
    minutes = math.ceil(seconds / 60)
    # Flask-Babel passes the count itself as num; the number as the reader writes it goes in minutes
    wait = ngettext(
        "%(minutes)s minute",
        "%(minutes)s minutes",
        minutes,
        minutes=format_number(minutes, current_language()),
    )
    kind = "submit" if request.endpoint == "citizens.submit" else "start"
    response = make_response(
        render_template(
            "citizens/too_many.html",
            row=row,
            c=consultation,
            message=TOO_MANY[kind](wait),
        ),
        429,
    )
    response.headers["Retry-After"] = str(seconds)
    return response


def _step_context(slug: str, step_id: str):
    """The respondent's place in the consultation, or the redirect that puts them back on track."""
    row, consultation = load_consultation(slug)
    respondent = current_respondent(row)
    if respondent is None:
        return redirect(url_for("citizens.landing", slug=slug))
    if respondent.response is not None:
        return redirect(url_for("citizens.thanks", slug=slug))
    if quotas.stopped(respondent):
        return redirect(url_for("citizens.quota_full", slug=slug))
    view = consultation.for_version(respondent.version)
    found = step_by_id(view, step_id)
    if found is None:
        abort(404)
    done = responses.progress(respondent, step_id)
    open_step = next_open_step(view, set(done.saved))
    all_steps = steps(view)
    if open_step is not None and found[0] > all_steps.index(open_step):
        # no skipping ahead: every earlier step must have a valid answer first
        return redirect(url_for("citizens.step", slug=slug, step_id=open_step.id))
    return StepContext(
        row=row,
        consultation=view,
        respondent=respondent,
        steps=all_steps,
        index=found[0],
        saved=done.saved,
        touched=done.touched,
        draft=done.draft,
    )


def _parse(ctx: StepContext):
    return ctx.parse(request.form)


def _persisted(ctx: StepContext) -> Respondent:
    """The respondent's row, created from their start the first time a step is kept."""
    respondent = responses.persist(ctx.row, ctx.respondent, g.lang)
    remember_respondent(ctx.row, respondent)
    if isinstance(ctx.respondent, responses.Start):
        invited.attach(ctx.row, ctx.consultation, respondent)
    return respondent


def _shown(ctx: StepContext) -> dict:
    """The step as the respondent left it: their draft over their saved answer."""
    return drafting.shown(ctx.step, ctx.saved_or_blank(), ctx.saved, ctx.draft)


def _keep_draft(ctx: StepContext, answer: dict) -> None:
    """Keep what was sent as the step's draft. A start gets its respondent row here, as at its
    first saved step: the session cookie is too small for a page of texts."""
    respondent = _persisted(ctx)
    drafts.keep(respondent.id, ctx.step.id, drafting.draft_of(ctx.step, answer, ctx.saved, ctx.draft))


def _set_aside_motivations(ctx: StepContext, respondent: Respondent, levels: dict) -> None:
    """A changed choice: saved motivation texts whose question changed wait in the draft."""
    page, following = ctx.step.page, ctx.next_step
    if following is None or not isinstance(page, PortfolioPage):
        return
    texts = ctx.saved.get(following.id)
    if not texts:
        return
    before = drafting.chosen_levels(page, ctx.saved)
    kept, draft = drafting.set_aside(page, before, levels, texts, drafts.load(respondent.id, following.id))
    motivation = following.id
    if kept != texts:
        responses.replace_motivations(respondent, motivation, kept, draft)


def _resume_url(slug, respondent, consultation) -> str:
    if respondent.response is not None:
        return url_for("citizens.thanks", slug=slug)
    view = consultation.for_version(respondent.version)
    open_step = next_open_step(view, set(responses.saved_answers(respondent))) or steps(view)[-1]
    return url_for("citizens.step", slug=slug, step_id=open_step.id)


def _rng() -> random.Random:
    seed = current_app.config.get("PWE_RANDOM_SEED")
    return random.Random(seed) if seed is not None else random.SystemRandom()
