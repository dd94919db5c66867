"""Platform texts in Dutch and English, and the language of the current request.

Texts of a consultation come from its definition; these are the platform's own words (buttons,
steps, error summaries). Messages about answers and rules live in surveys.messages and are
reached through the same `t`.
"""

from __future__ import annotations

from flask import Flask, g, request, session

from surveys.messages import LANGUAGES, MESSAGES

FALLBACK = LANGUAGES[0]

TEXTS: dict[str, dict[str, str]] = {
    "platform_name": {"nl": "Participatieve Waardenevaluatie", "en": "Participatory Value Evaluation"},
    "skip_to_content": {"nl": "Direct naar de inhoud", "en": "Skip to content"},
    "choose_language": {"nl": "Taal", "en": "Language"},
    "home_title": {"nl": "Raadplegingen", "en": "Consultations"},
    "home_intro": {
        "nl": "Geef uw advies aan de overheid: kies zelf binnen de grenzen van budget, ruimte of punten.",
        "en": "Advise the government: make your own choices within the limits of budget, space or points.",
    },
    "home_empty": {
        "nl": "Er zijn op dit moment geen open raadplegingen.",
        "en": "There are no open consultations at the moment.",
    },
    "open_consultation": {"nl": "Naar de raadpleging", "en": "Go to the consultation"},
    "duration": {
        "nl": "Meedoen duurt ongeveer {minutes} minuten.",
        "en": "Taking part takes about {minutes} minutes.",
    },
    "privacy_heading": {"nl": "Privacy", "en": "Privacy"},
    "consent_legend": {"nl": "Toestemming", "en": "Consent"},
    "consent_label": {
        "nl": "Ik heb de privacyverklaring gelezen en doe vrijwillig mee.",
        "en": "I have read the privacy statement and take part voluntarily.",
    },
    "age_label": {"nl": "Ik ben {age} jaar of ouder.", "en": "I am {age} years of age or older."},
    "consent_required": {
        "nl": "Geef aan dat u de privacyverklaring heeft gelezen om mee te doen.",
        "en": "Confirm that you have read the privacy statement to take part.",
    },
    "age_required": {
        "nl": "Meedoen kan vanaf {age} jaar. Vink aan dat u {age} jaar of ouder bent.",
        "en": "You can take part from the age of {age}. Tick that you are {age} or older.",
    },
    "start": {"nl": "Start", "en": "Start"},
    "resume": {"nl": "Verder waar u was", "en": "Continue where you left off"},
    "resume_note": {
        "nl": "U bent eerder begonnen. Uw antwoorden zijn bewaard.",
        "en": "You started earlier. Your answers have been saved.",
    },
    "already_done": {"nl": "U heeft al meegedaan. Bedankt!", "en": "You have already taken part. Thank you!"},
    "see_advice": {"nl": "Bekijk uw advies", "en": "View your advice"},
    "step_of": {"nl": "Stap {number} van {total}", "en": "Step {number} of {total}"},
    "next": {"nl": "Volgende", "en": "Next"},
    "submit": {"nl": "Verstuur mijn advies", "en": "Send my advice"},
    "previous": {"nl": "Vorige", "en": "Previous"},
    "recalculate": {"nl": "Herbereken", "en": "Recalculate"},
    "required_mark": {"nl": "(verplicht)", "en": "(required)"},
    "error_summary_title": {"nl": "Er is iets niet goed ingevuld", "en": "There is a problem"},
    "error_summary_intro": {"nl": "Pas het volgende aan:", "en": "Please change the following:"},
    "more_problems": {
        "nl": "en nog {count} andere punten op deze pagina",
        "en": "and {count} more problems on this page",
    },
    "error_prefix": {"nl": "Fout:", "en": "Error:"},
    "title_error_prefix": {"nl": "Fout: ", "en": "Error: "},
    "too_large": {
        "nl": "Wat u verstuurde was te groot. Maak uw teksten korter en probeer het opnieuw.",
        "en": "What you sent was too large. Shorten your texts and try again.",
    },
    "session_expired": {
        "nl": "Uw sessie was verlopen. Controleer uw antwoorden en verstuur ze opnieuw.",
        "en": "Your session had expired. Check your answers and send them again.",
    },
    "too_many_title": {"nl": "Even geduld", "en": "Please wait a moment"},
    "too_many_start": {
        "nl": "Vanaf deze internetverbinding is in korte tijd al vaak een raadpleging begonnen. "
        "Probeer het over {wait} opnieuw.",
        "en": "A consultation has been started many times from this internet connection in a "
        "short time. Please try again in {wait}.",
    },
    "too_many_submit": {
        "nl": "Vanaf deze internetverbinding zijn in korte tijd al veel adviezen verstuurd. Uw "
        "eerdere antwoorden zijn bewaard: ga over {wait} terug naar de vorige pagina en "
        "verstuur uw advies opnieuw.",
        "en": "Many advices have been sent from this internet connection in a short time. Your "
        "earlier answers have been saved: in {wait}, go back to the previous page and send "
        "your advice again.",
    },
    "one_minute": {"nl": "1 minuut", "en": "1 minute"},
    "minutes": {"nl": "{minutes} minuten", "en": "{minutes} minutes"},
    "choose_option": {"nl": "Kies", "en": "Choose"},
    "postcode_hint": {
        "nl": "De vier cijfers van uw postcode, bijvoorbeeld 3511.",
        "en": "The four digits of your postcode, for example 3511.",
    },
    "scale_hint": {"nl": "Een getal van 0 tot en met 10.", "en": "A number from 0 to 10."},
    "number_range": {"nl": "Een getal van {min} tot en met {max}.", "en": "A number from {min} to {max}."},
    "max_length_hint": {"nl": "Hoogstens {max} tekens.", "en": "At most {max} characters."},
    "pros": {"nl": "Voordelen", "en": "Pros"},
    "cons": {"nl": "Nadelen", "en": "Cons"},
    "effects": {"nl": "Effecten", "en": "Effects"},
    "per_step": {"nl": "per stap", "en": "per step"},
    "uses": {"nl": "Gebruikt", "en": "Uses"},
    "frees": {"nl": "Levert op", "en": "Frees up"},
    "choice_level": {"nl": "Uw keuze", "en": "Your choice"},
    "level_on": {"nl": "Ja, dit adviseer ik", "en": "Yes, I advise this"},
    "option_group_note": {
        "nl": "U kunt maar één optie uit deze groep kiezen: {options}.",
        "en": "You can choose only one option from this group: {options}.",
    },
    "constraint_used": {
        "nl": "{label}: {used} van {max} {unit} gebruikt, {left} over.",
        "en": "{label}: {used} of {max} {unit} used, {left} left.",
    },
    "constraint_over": {
        "nl": "{label}: {amount} {unit} meer dan toegestaan (maximaal {max}).",
        "en": "{label}: {amount} {unit} more than allowed (at most {max}).",
    },
    "constraint_under": {
        "nl": "{label}: {amount} {unit} minder dan toegestaan (minimaal {min}).",
        "en": "{label}: {amount} {unit} less than allowed (at least {min}).",
    },
    "constraint_between": {
        "nl": "{label}: {used} {unit}; toegestaan is van {min} tot en met {max}.",
        "en": "{label}: {used} {unit}; allowed is from {min} to {max}.",
    },
    "constraint_at_most": {
        "nl": "{label}: {used} {unit}; toegestaan is hoogstens {max}.",
        "en": "{label}: {used} {unit}; allowed is at most {max}.",
    },
    "constraint_at_least": {
        "nl": "{label}: {used} {unit}; nodig is minstens {min}.",
        "en": "{label}: {used} {unit}; needed is at least {min}.",
    },
    "constraint_free": {"nl": "{label}: {used} {unit}.", "en": "{label}: {used} {unit}."},
    "meter_state_within": {"nl": "Past", "en": "Fits"},
    "meter_state_over": {"nl": "Te veel", "en": "Too much"},
    "meter_state_under": {"nl": "Te weinig", "en": "Too little"},
    "meter_state_neutral": {"nl": "Nog niets gekozen", "en": "Nothing chosen yet"},
    "more_is_better": {"nl": "Meer hiervan is beter.", "en": "More of this is better."},
    "less_is_better": {"nl": "Minder hiervan is beter.", "en": "Less of this is better."},
    "explain": {"nl": "Uitleg", "en": "Explanation"},
    "would_use": {"nl": "Als u dit kiest, kost het", "en": "Choosing it would use"},
    "would_free": {"nl": "Als u dit kiest, levert het op", "en": "Choosing it would free up"},
    "not_started": {
        "nl": "U heeft nog niets veranderd aan het basisplan.",
        "en": "You have not changed the basic plan yet.",
    },
    "summary_heading": {"nl": "Uw keuze tot nu toe", "en": "Your choice so far"},
    "effects_heading": {"nl": "Gevolgen van uw keuze", "en": "Consequences of your choice"},
    "all_ok": {"nl": "Uw keuze past binnen de grenzen.", "en": "Your choice stays within the limits."},
    "not_ok": {
        "nl": "Uw keuze past nog niet binnen de grenzen.",
        "en": "Your choice does not fit the limits yet.",
    },
    "points_over": {
        "nl": "{used} punten verdeeld: {over} meer dan de {total} die u heeft.",
        "en": "{used} points given: {over} more than the {total} you have.",
    },
    "points_status": {
        "nl": "{used} van {total} punten verdeeld, {left} over.",
        "en": "{used} of {total} points given, {left} left.",
    },
    "pair_set": {"nl": "Keuze {number} van {total}", "en": "Choice {number} of {total}"},
    "variant": {"nl": "Variant {letter}", "en": "Variant {letter}"},
    "variant_choose": {"nl": "Ik kies variant {letter}", "en": "I choose variant {letter}"},
    "motivation_title": {"nl": "Waarom deze keuze?", "en": "Why this choice?"},
    "motivation_intro": {
        "nl": "Vertel per optie waarom u die wel of niet heeft gekozen. Dit is niet verplicht, maar helpt de overheid uw advies te begrijpen.",
        "en": "For each option, tell us why you did or did not choose it. This is optional, but it helps the government understand your advice.",
    },
    "why_chosen": {"nl": "Waarom koos u voor {option}?", "en": "Why did you choose {option}?"},
    "why_not_chosen": {"nl": "Waarom koos u niet voor {option}?", "en": "Why did you not choose {option}?"},
    "why_level": {
        "nl": "Waarom koos u bij {option} voor {level}?",
        "en": "Why did you choose {level} for {option}?",
    },
    "why_default": {
        "nl": "Waarom liet u {option} zoals in het basisplan?",
        "en": "Why did you leave {option} as in the basic plan?",
    },
    "thanks_title": {"nl": "Bedankt voor uw advies", "en": "Thank you for your advice"},
    "your_advice": {"nl": "Uw advies", "en": "Your advice"},
    "chosen": {"nl": "Gekozen", "en": "Chosen"},
    "not_chosen": {"nl": "Niet gekozen", "en": "Not chosen"},
    "points_given": {"nl": "Punten", "en": "Points"},
    "option": {"nl": "Optie", "en": "Option"},
    "goal": {"nl": "Doel", "en": "Goal"},
    "your_level": {"nl": "Uw keuze", "en": "Your choice"},
    "not_found_title": {"nl": "Pagina niet gevonden", "en": "Page not found"},
    "not_found_text": {
        "nl": "Deze pagina bestaat niet (meer). Controleer het adres.",
        "en": "This page does not exist (any more). Check the address.",
    },
    "server_error_title": {"nl": "Er ging iets mis", "en": "Something went wrong"},
    "server_error_text": {
        "nl": "Er ging bij ons iets mis. Uw eerder opgeslagen antwoorden zijn bewaard. Probeer het later opnieuw.",
        "en": "Something went wrong on our side. The answers you saved earlier are kept. Please try again later.",
    },
    "bad_request_title": {"nl": "Verzoek niet begrepen", "en": "Request not understood"},
    "bad_request_text": {
        "nl": "Wij konden dit verzoek niet verwerken. Ga terug en probeer het opnieuw.",
        "en": "We could not process this request. Go back and try again.",
    },
    "closed_title": {"nl": "Deze raadpleging is gesloten", "en": "This consultation is closed"},
    "closed_text": {"nl": "Meedoen is niet meer mogelijk.", "en": "It is no longer possible to take part."},
    "results_expected": {
        "nl": "De resultaten worden verwacht op {date}.",
        "en": "The results are expected on {date}.",
    },
    "closed_thanks": {"nl": "Dank voor uw belangstelling.", "en": "Thank you for your interest."},
    "invitation_used_title": {"nl": "Deze uitnodiging is al gebruikt", "en": "This invitation has been used"},
    "invitation_used_text": {
        "nl": "Met deze persoonlijke link is het advies al verstuurd. Bedankt voor uw deelname!",
        "en": "The advice for this personal link has already been sent. Thank you for taking part!",
    },
    "invitation_revoked_title": {
        "nl": "Deze uitnodiging is niet meer geldig",
        "en": "This invitation is no longer valid",
    },
    "invitation_revoked_text": {
        "nl": "Deze persoonlijke link is ingetrokken. Heeft u een nieuwe link gekregen? Gebruik dan die.",
        "en": "This personal link has been withdrawn. If you received a new link, please use that one.",
    },
    "invitation_unknown_title": {"nl": "Deze link kennen wij niet", "en": "We do not recognise this link"},
    "invitation_unknown_text": {
        "nl": "Controleer of u de hele link uit uw uitnodiging heeft gebruikt.",
        "en": "Please check that you used the whole link from your invitation.",
    },
    "quota_full_title": {"nl": "Bedankt voor uw deelname", "en": "Thank you for taking part"},
    "quota_full_text": {
        "nl": "Er hebben al genoeg mensen met uw achtergrond meegedaan, dus we vragen u niet verder. Hartelijk dank voor uw tijd.",
        "en": "Enough people with your background have already taken part, so we will not ask you further. Thank you very much for your time.",
    },
    "response_code_heading": {"nl": "Uw responscode", "en": "Your response code"},
    "response_code_text": {
        "nl": "Wilt u later dat wij uw antwoorden verwijderen? Bewaar dan deze code en stuur hem naar de organisator:",
        "en": "Should you later want us to delete your answers, keep this code and send it to the organiser:",
    },
    "back_home": {"nl": "Naar de startpagina", "en": "To the home page"},
    "unavailable_title": {"nl": "Even geduld", "en": "Please wait a moment"},
    "unavailable_text": {
        "nl": "Wij kunnen uw verzoek nu even niet verwerken. Uw opgeslagen antwoorden zijn bewaard. Probeer het over een paar seconden opnieuw.",
        "en": "We cannot handle your request just now. Your saved answers are kept. Try again in a few seconds.",
    },
    "unavailable_kept": {
        "nl": "Wij konden uw antwoorden op deze pagina nu even niet opslaan. Ze staan nog klaar: druk over een paar seconden op Opnieuw proberen.",
        "en": "We could not save your answers on this page just now. They are kept here: press Try again in a few seconds.",
    },
    "try_again": {"nl": "Opnieuw proberen", "en": "Try again"},
}


def current_language() -> str:
    return getattr(g, "lang", FALLBACK)


def t(key: str, **params) -> str:
    """The platform text `key` in the request's language, with {placeholders} filled in."""
    entry = TEXTS.get(key) or MESSAGES[key]
    lang = current_language()
    text = entry.get(lang) or entry.get(FALLBACK) or entry["en"]
    return text.format(**params) if params else text


def choose_language(available: tuple[str, ...], default: str) -> str:
    """The request's language: ?lang=, else the one chosen earlier in this session, else the
    browser's preferred one (Accept-Language) among `available`, else `default`."""
    asked = request.args.get("lang")
    if asked in available:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in available:
        return remembered
    return request.accept_languages.best_match(available) or default


def init_app(app: Flask) -> None:
    @app.before_request
    def set_platform_language() -> None:
        g.lang = choose_language(LANGUAGES, FALLBACK)

    app.jinja_env.globals["t"] = t
    app.jinja_env.globals["current_language"] = current_language
