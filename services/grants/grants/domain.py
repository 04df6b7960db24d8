"""The grants domain, free of frameworks and databases.

Funds pool partners' money; the money is a ledger of IATI-typed transactions in the fund's
currency (11 incoming commitment, 1 incoming funds, 2 outgoing commitment, 3 disbursement),
so a fund's balance is always explainable:

    available = received - committed        committed includes what was disbursed
    undisbursed commitments = committed - disbursed

Calls for proposals open under a fund; applications to a call are screened against the
fund's and the call's rules (every failure listed), reviewed, and determined; an award
commits money to a grant, whose tranches are disbursed once their conditions hold, whose
reports fall due, and which ends closed out (final report approved) or cancelled; either
way the undisbursed part returns to the fund."""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from shared.errors import Conflict, Forbidden, InvalidInput

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0000000001")
# No single amount above this, whatever the currency: catches misplaced decimal points.
AMOUNT_CEILING = Decimal("1000000000")

# IATI TransactionType codes.
INCOMING_COMMITMENT, INCOMING_FUNDS, OUTGOING_COMMITMENT, DISBURSEMENT = "11", "1", "2", "3"

DEFAULT_REPORT_NOTICE_DAYS = 14
DEFAULT_FINAL_REPORT_AFTER_DAYS = 365


def new_id() -> str:
    return str(uuid.uuid4())


def money(value) -> Decimal:
    """A Decimal quantized to the minor unit (2 places, banker's rounding)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN)


def fmt(amount: Decimal, currency: str) -> str:
    return f"{money(amount)} {currency}"


def same_organisation(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


# --- lifecycles ----------------------------------------------------------------------------
# status -> {action: status after}; a transition not listed is a 409 naming the allowed ones.

CONTRIBUTION_LIFECYCLE = {
    "pledged": {"receive": "partly_received|received"},
    "partly_received": {"receive": "partly_received|received"},
    "received": {},
}
CALL_LIFECYCLE = {
    "open": {"submit_application": "open", "close": "closed"},
    "closed": {},
}
APPLICATION_LIFECYCLE = {
    "submitted": {"screen": "under_review|ineligible"},
    "under_review": {"review": "under_review", "award": "awarded", "reject": "rejected",
                     "withdraw": "withdrawn"},
    "ineligible": {},
    "awarded": {},
    "rejected": {},
    "withdrawn": {},
}
GRANT_LIFECYCLE = {
    "active": {"disburse": "active", "submit_report": "active", "approve_report": "active",
               "request_report_changes": "active", "close": "closed", "cancel": "cancelled"},
    "closed": {},
    "cancelled": {},
}
REPORT_LIFECYCLE = {
    "due": {"submit": "submitted"},
    "submitted": {"approve": "approved", "request_changes": "due"},
    "approved": {},
}
TRANCHE_LIFECYCLE = {
    "planned": {"disburse": "planned|disbursed", "cancel": "cancelled"},
    "disbursed": {},
    "cancelled": {},
}


def check_transition(what: str, lifecycle: dict, status: str, action: str) -> None:
    allowed = sorted(lifecycle.get(status, {}))
    if action not in allowed:
        tail = "" if allowed else f"; nothing can be done to a {status} {what}"
        raise Conflict(f"cannot {action.replace('_', ' ')}: the {what} is {status}{tail}", allowed)


# --- exchange rates ------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    from_currency: str
    to_currency: str
    effective_date: date
    rate: Decimal


def convert(amount: Decimal, currency: str, to_currency: str, value_date: date, latest_rate, *,
            field_name: str = "amount.currency") -> tuple[Decimal, Decimal]:
    """(amount in `to_currency`, rate used). `latest_rate(from, to, on)` gives the latest Rate
    effective on or before `on`, or None. An inverse rate counts when it is the more recent."""
    if currency == to_currency:
        return money(amount), Decimal(1)
    direct = latest_rate(currency, to_currency, value_date)
    inverse = latest_rate(to_currency, currency, value_date)
    if direct is None and inverse is None:
        raise InvalidInput({field_name: [
            f"no {currency}->{to_currency} exchange rate effective on or before {value_date.isoformat()}; "
            f"load one with POST /v1/rates"]}, "A needed exchange rate is missing.")
    if direct is not None and (inverse is None or direct.effective_date >= inverse.effective_date):
        rate = direct.rate
    else:
        rate = (Decimal(1) / inverse.rate).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)
    return money(amount * rate), rate


# --- funds and their ledger ----------------------------------------------------------------

@dataclass
class LedgerEntry:
    id: str
    fund_id: str
    transaction_type: str
    amount: Decimal              # signed, in the fund's currency (negative: a return of a commitment)
    currency: str
    original_amount: Decimal
    original_currency: str
    exchange_rate: Decimal
    value_date: date
    recorded_at: datetime
    description: str = ""
    contribution_id: str | None = None
    grant_id: str | None = None
    tranche_id: str | None = None


@dataclass
class Balance:
    currency: str
    pledged: Decimal = Decimal("0.00")
    received: Decimal = Decimal("0.00")
    committed: Decimal = Decimal("0.00")
    disbursed: Decimal = Decimal("0.00")

    @property
    def available(self) -> Decimal:
        return money(self.received - self.committed)

    @property
    def undisbursed(self) -> Decimal:
        return money(self.committed - self.disbursed)

    def add(self, transaction_type: str, amount: Decimal) -> None:
        name = {INCOMING_COMMITMENT: "pledged", INCOMING_FUNDS: "received", OUTGOING_COMMITMENT: "committed",
                DISBURSEMENT: "disbursed"}[transaction_type]
        setattr(self, name, money(getattr(self, name) + amount))

    def as_dict(self) -> dict:
        return {"currency": self.currency, "pledged": money(self.pledged), "received": money(self.received),
                "committed": money(self.committed), "disbursed": money(self.disbursed),
                "available": self.available}

    @classmethod
    def of(cls, currency: str, totals: dict[str, Decimal]) -> "Balance":
        """From the ledger's sums per transaction type."""
        balance = cls(currency)
        for transaction_type, amount in totals.items():
            balance.add(transaction_type, amount or Decimal(0))
        return balance


@dataclass
class Fund:
    id: str
    name: str
    window: str
    currency: str
    min_grant: Decimal
    max_grant: Decimal
    eligible_applicant_types: list[str]
    eligible_countries: list[str]
    max_cofinancing_share: Decimal
    created_at: datetime
    balance: Balance = None
    new_entries: list[LedgerEntry] = field(default_factory=list)

    @classmethod
    def create(cls, *, name, window, currency, min_grant, max_grant, eligible_applicant_types,
               eligible_countries, max_cofinancing_share, now: datetime) -> "Fund":
        errors = {}
        if money(min_grant) > money(max_grant):
            errors["min_grant"] = [f"must not exceed max_grant ({money(max_grant)})"]
        for name_, values in (("eligible_applicant_types", eligible_applicant_types),
                              ("eligible_countries", eligible_countries)):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                errors[name_] = [f"listed more than once: {', '.join(dupes)}"]
        if errors:
            raise InvalidInput(errors)
        return cls(id=new_id(), name=name.strip(), window=window, currency=currency, min_grant=money(min_grant),
                   max_grant=money(max_grant), eligible_applicant_types=list(eligible_applicant_types),
                   eligible_countries=list(eligible_countries), max_cofinancing_share=Decimal(max_cofinancing_share),
                   created_at=now, balance=Balance(currency))

    def record(self, transaction_type: str, amount: Decimal, *, now: datetime, value_date: date,
               original_amount: Decimal | None = None, original_currency: str | None = None,
               exchange_rate: Decimal = Decimal(1), description: str = "", **refs) -> LedgerEntry:
        """Add a transaction to the ledger and the balance, keeping the balance consistent:
        never more committed than received, never more disbursed than committed."""
        amount = money(amount)
        after = Balance(**{k: getattr(self.balance, k) for k in ("currency", "pledged", "received",
                                                                    "committed", "disbursed")})
        after.add(transaction_type, amount)
        if after.available < 0:
            raise Conflict(f"the fund's available balance is {fmt(self.balance.available, self.currency)}; "
                           f"this needs {fmt(amount, self.currency)}")
        if after.disbursed > after.committed or after.committed < 0:
            raise Conflict(f"the fund's undisbursed commitments are {fmt(self.balance.undisbursed, self.currency)}")
        entry = LedgerEntry(
            id=new_id(), fund_id=self.id, transaction_type=transaction_type, amount=amount, currency=self.currency,
            original_amount=money(original_amount if original_amount is not None else abs(amount)),
            original_currency=original_currency or self.currency, exchange_rate=exchange_rate,
            value_date=value_date, recorded_at=now, description=description, **refs)
        self.balance = after
        self.new_entries.append(entry)
        return entry


# --- contributions -------------------------------------------------------------------------

@dataclass
class Receipt:
    id: str
    original_amount: Decimal
    amount: Decimal
    exchange_rate: Decimal
    value_date: date
    received_at: datetime


@dataclass
class Contribution:
    id: str
    fund_id: str
    contributor: str
    contributor_type: str | None
    original_amount: Decimal
    original_currency: str
    amount: Decimal            # the pledge in the fund's currency, at the pledge's value date
    currency: str
    exchange_rate: Decimal
    value_date: date
    status: str
    pledged_at: datetime
    updated_at: datetime
    receipts: list[Receipt] = field(default_factory=list)

    @classmethod
    def pledge(cls, fund: Fund, *, contributor, contributor_type, amount: dict, value_date: date,
               convert_fn, now: datetime) -> tuple["Contribution", LedgerEntry]:
        """`convert_fn(amount, currency, to_currency, value_date)` -> (converted, rate)."""
        converted, rate = convert_fn(amount["amount"], amount["currency"], fund.currency, value_date)
        check_ceiling(converted, "amount.amount", fund.currency)
        contribution = cls(
            id=new_id(), fund_id=fund.id, contributor=contributor.strip(), contributor_type=contributor_type,
            original_amount=money(amount["amount"]), original_currency=amount["currency"], amount=converted,
            currency=fund.currency, exchange_rate=rate, value_date=value_date, status="pledged",
            pledged_at=now, updated_at=now)
        entry = fund.record(INCOMING_COMMITMENT, converted, now=now, value_date=value_date,
                            original_amount=contribution.original_amount, original_currency=amount["currency"],
                            exchange_rate=rate, description=f"pledge by {contribution.contributor}",
                            contribution_id=contribution.id)
        return contribution, entry

    @property
    def received_original(self) -> Decimal:
        return money(sum((r.original_amount for r in self.receipts), Decimal(0)))

    @property
    def received_total(self) -> Decimal:
        return money(sum((r.amount for r in self.receipts), Decimal(0)))

    @property
    def outstanding_original(self) -> Decimal:
        return money(self.original_amount - self.received_original)

    def receive(self, fund: Fund, *, amount: Decimal | None, value_date: date, convert_fn,
                now: datetime) -> tuple[Receipt, LedgerEntry]:
        check_transition("contribution", CONTRIBUTION_LIFECYCLE, self.status, "receive")
        amount = self.outstanding_original if amount is None else money(amount)
        if amount > self.outstanding_original:
            raise InvalidInput({"amount": [
                f"exceeds what is still to come on this pledge "
                f"({fmt(self.outstanding_original, self.original_currency)})"]})
        converted, rate = convert_fn(amount, self.original_currency, fund.currency, value_date)
        receipt = Receipt(id=new_id(), original_amount=amount, amount=converted, exchange_rate=rate,
                          value_date=value_date, received_at=now)
        entry = fund.record(INCOMING_FUNDS, converted, now=now, value_date=value_date, original_amount=amount,
                            original_currency=self.original_currency, exchange_rate=rate,
                            description=f"funds received from {self.contributor}", contribution_id=self.id)
        self.receipts.append(receipt)
        self.status = "received" if self.outstanding_original == 0 else "partly_received"
        self.updated_at = now
        return receipt, entry


def check_ceiling(amount: Decimal, field_name: str, currency: str) -> None:
    if amount > AMOUNT_CEILING:
        raise InvalidInput({field_name: [f"must not exceed {AMOUNT_CEILING} {currency}"]})


# --- calls ---------------------------------------------------------------------------------

@dataclass
class Call:
    id: str
    fund_id: str
    window: str
    title: str
    themes: list[str]
    opens_at: datetime
    closes_at: datetime
    envelope: Decimal
    currency: str
    questions: list[dict]       # {code, text, required}
    criteria: list[dict]        # {code, title, max_score}
    required_reviews: int
    status: str
    committed: Decimal          # awarded under the call, net of returns
    created_at: datetime
    closed_at: datetime | None = None

    @classmethod
    def open(cls, fund: Fund, *, title, themes, opens_at, closes_at, envelope: dict, questions, criteria,
             required_reviews, now: datetime) -> "Call":
        errors = {}
        opens_at = opens_at or now
        if closes_at <= opens_at:
            errors["closes_at"] = ["must be after opens_at"]
        if closes_at <= now:
            errors.setdefault("closes_at", []).append("must be in the future")
        if envelope["currency"] != fund.currency:
            errors["envelope.currency"] = [f"must be the fund's currency {fund.currency}"]
        if money(envelope["amount"]) < fund.min_grant:
            errors["envelope.amount"] = [f"must allow at least one grant of the fund's minimum "
                                         f"({fmt(fund.min_grant, fund.currency)})"]
        for name, items in (("questions", questions), ("criteria", criteria)):
            codes = [item["code"] for item in items]
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                errors[name] = [f"codes listed more than once: {', '.join(dupes)}"]
        if len(set(themes)) != len(themes):
            errors["themes"] = ["a theme is listed more than once"]
        if errors:
            raise InvalidInput(errors)
        check_ceiling(money(envelope["amount"]), "envelope.amount", fund.currency)
        return cls(id=new_id(), fund_id=fund.id, window=fund.window, title=title.strip(), themes=list(themes),
                   opens_at=opens_at, closes_at=closes_at, envelope=money(envelope["amount"]),
                   currency=fund.currency, questions=[dict(q) for q in questions],
                   criteria=[dict(c) for c in criteria], required_reviews=required_reviews, status="open",
                   committed=Decimal("0.00"), created_at=now)

    @property
    def remaining(self) -> Decimal:
        return money(self.envelope - self.committed)

    def check_accepts(self, now: datetime) -> None:
        """Late (or early) applications are refused."""
        check_transition("call", CALL_LIFECYCLE, self.status, "submit_application")
        if now >= self.closes_at:
            raise Conflict(f"the call closed at {self.closes_at.isoformat()}; late applications are refused")
        if now < self.opens_at:
            raise Conflict(f"the call opens at {self.opens_at.isoformat()}")

    def close(self, now: datetime) -> str:
        check_transition("call", CALL_LIFECYCLE, self.status, "close")
        previous, self.status, self.closed_at = self.status, "closed", now
        return previous

    def is_past_deadline(self, now: datetime) -> bool:
        return self.status == "open" and now >= self.closes_at

    def commit(self, amount: Decimal) -> None:
        if money(self.committed + amount) > self.envelope:
            raise Conflict(f"the call's envelope has {fmt(self.remaining, self.currency)} left; "
                           f"this award needs {fmt(amount, self.currency)}")
        self.committed = money(self.committed + amount)

    def release(self, amount: Decimal) -> None:
        self.committed = money(self.committed - amount)


# --- applications and screening ------------------------------------------------------------

@dataclass
class Review:
    id: str
    application_id: str
    reviewer: str
    reviewer_organisation: str
    scores: dict[str, int]
    total_score: int
    recommendation: str
    comment: str
    reviewed_at: datetime


@dataclass
class Application:
    id: str
    call_id: str
    fund_id: str
    window: str
    applicant_organisation: str
    applicant_type: str
    title: str
    city: str
    country: str
    theme: str
    amount_requested: Decimal
    currency: str
    project_cost: Decimal
    proposal: str
    answers: dict[str, str]
    programme_id: str
    programme_iati_identifier: str | None
    targets: list[dict]
    status: str
    failures: list[dict]
    submitted_at: datetime
    updated_at: datetime
    decision_reasons: list[str] = field(default_factory=list)
    determined_at: datetime | None = None
    grant_id: str | None = None

    @classmethod
    def submit(cls, fund: Fund, call: Call, *, applicant_organisation, applicant_type, title, city, country,
               theme, amount_requested: dict, project_cost: dict, proposal, answers, programme_id,
               programme_iati_identifier, targets, now: datetime) -> "Application":
        call.check_accepts(now)
        errors = {}
        for name, value in (("amount_requested", amount_requested), ("project_cost", project_cost)):
            if value["currency"] != fund.currency:
                errors[f"{name}.currency"] = [f"must be the fund's currency {fund.currency}"]
        indicators = [t["indicator"] for t in targets]
        if len(set(indicators)) != len(indicators):
            errors["targets"] = ["an indicator is listed more than once"]
        unknown = sorted(set(answers) - {q["code"] for q in call.questions})
        for code in unknown:
            errors[f"answers.{code}"] = ["the call asks no such question"]
        if errors:
            raise InvalidInput(errors)
        check_ceiling(money(project_cost["amount"]), "project_cost.amount", fund.currency)
        return cls(
            id=new_id(), call_id=call.id, fund_id=fund.id, window=fund.window,
            applicant_organisation=" ".join(applicant_organisation.split()), applicant_type=applicant_type,
            title=title.strip(), city=city.strip(), country=country, theme=theme,
            amount_requested=money(amount_requested["amount"]), currency=fund.currency,
            project_cost=money(project_cost["amount"]), proposal=proposal, answers=dict(answers),
            programme_id=programme_id, programme_iati_identifier=programme_iati_identifier,
            targets=[dict(t) for t in targets], status="submitted", failures=[], submitted_at=now, updated_at=now)

    def screen(self, fund: Fund, call: Call, now: datetime) -> str:
        check_transition("application", APPLICATION_LIFECYCLE, self.status, "screen")
        self.failures = screening_failures(self, fund, call)
        previous, self.status = self.status, ("ineligible" if self.failures else "under_review")
        self.updated_at = now
        return previous

    def check_review(self, reviewer_organisation: str, reviewer: str, existing: list[Review]) -> None:
        check_transition("application", APPLICATION_LIFECYCLE, self.status, "review")
        if same_organisation(reviewer_organisation, self.applicant_organisation):
            raise Forbidden(f"a reviewer from {reviewer_organisation} cannot review an application "
                            f"from their own organisation")
        if any(r.reviewer == reviewer for r in existing):
            raise Conflict(f"{reviewer} has already reviewed this application")

    def withdraw(self, now: datetime) -> str:
        check_transition("application", APPLICATION_LIFECYCLE, self.status, "withdraw")
        previous, self.status, self.updated_at = self.status, "withdrawn", now
        return previous

    def determine(self, decision: str, reasons: list[str], reviews: list[Review], call: Call,
                  now: datetime) -> str:
        check_transition("application", APPLICATION_LIFECYCLE, self.status, decision)
        if len(reviews) < call.required_reviews:
            raise Conflict(f"the call asks for {call.required_reviews} review(s) before a determination; "
                           f"this application has {len(reviews)}")
        previous = self.status
        self.status = "awarded" if decision == "award" else "rejected"
        self.decision_reasons = [r.strip() for r in reasons]
        self.determined_at = self.updated_at = now
        return previous


SCREENING_RULES = (
    "applicant_type", "country", "theme", "min_grant", "max_grant", "call_envelope", "cofinancing",
    "questions",
)


def screening_failures(app: Application, fund: Fund, call: Call) -> list[dict]:
    """Every rule of the fund and the call the application breaks, each with its reason."""
    failures = []

    def fail(rule, field_name, reason):
        failures.append({"rule": rule, "field": field_name, "reason": reason})

    if app.applicant_type not in fund.eligible_applicant_types:
        fail("applicant_type", "applicant_type",
             f"organisation type {app.applicant_type} is not eligible for this fund "
             f"(eligible: {', '.join(fund.eligible_applicant_types)})")
    if app.country not in fund.eligible_countries:
        fail("country", "country", f"{app.country} is not an eligible country of this fund "
                                   f"(eligible: {', '.join(fund.eligible_countries)})")
    if call.themes and app.theme not in call.themes:
        fail("theme", "theme", f"the call focuses on {', '.join(call.themes)}, not {app.theme}")
    if app.amount_requested < fund.min_grant:
        fail("min_grant", "amount_requested",
             f"below the fund's minimum grant of {fmt(fund.min_grant, fund.currency)}")
    if app.amount_requested > fund.max_grant:
        fail("max_grant", "amount_requested",
             f"above the fund's maximum grant of {fmt(fund.max_grant, fund.currency)}")
    if app.amount_requested > call.envelope:
        fail("call_envelope", "amount_requested",
             f"above the call's envelope of {fmt(call.envelope, call.currency)}")
    ceiling = money(app.project_cost * fund.max_cofinancing_share)
    if app.amount_requested > ceiling:
        share = (fund.max_cofinancing_share * 100).normalize()
        fail("cofinancing", "amount_requested",
             f"the grant may cover at most {share:f}% of the project's cost "
             f"({fmt(ceiling, fund.currency)} of {fmt(app.project_cost, fund.currency)})")
    for question in call.questions:
        if question.get("required", True) and not (app.answers.get(question["code"]) or "").strip():
            fail("questions", f"answers.{question['code']}", f"the call's question {question['code']!r} "
                                                             f"is not answered")
    return failures


def make_review(app: Application, call: Call, *, reviewer, reviewer_organisation, scores: dict, recommendation,
                comment, existing: list[Review], now: datetime) -> Review:
    app.check_review(reviewer_organisation, reviewer, existing)
    errors = {}
    criteria = {c["code"]: c for c in call.criteria}
    for code in sorted(set(criteria) - set(scores)):
        errors[f"scores.{code}"] = ["score this criterion"]
    for code, score in scores.items():
        if code not in criteria:
            errors[f"scores.{code}"] = [f"the call has no criterion {code!r} "
                                        f"(criteria: {', '.join(criteria)})"]
        elif not 0 <= score <= criteria[code]["max_score"]:
            errors[f"scores.{code}"] = [f"must be between 0 and {criteria[code]['max_score']}"]
    if errors:
        raise InvalidInput(errors)
    return Review(id=new_id(), application_id=app.id, reviewer=reviewer,
                  reviewer_organisation=" ".join(reviewer_organisation.split()), scores=dict(scores),
                  total_score=sum(scores.values()), recommendation=recommendation, comment=comment or "",
                  reviewed_at=now)


# --- grants --------------------------------------------------------------------------------

@dataclass
class Tranche:
    id: str
    grant_id: str
    number: int
    amount: Decimal
    planned_date: date | None
    condition: str                 # "none" | "report_approved"
    condition_report_id: str | None
    disbursed: Decimal
    status: str
    disbursed_at: datetime | None = None

    @property
    def remaining(self) -> Decimal:
        return money(self.amount - self.disbursed)


@dataclass
class Report:
    id: str
    grant_id: str
    number: int
    title: str
    due_date: date
    final: bool
    status: str
    summary: str = ""
    results: list[dict] = field(default_factory=list)
    feedback: str = ""
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    due_notified_at: datetime | None = None
    overdue_at: datetime | None = None

    def is_overdue(self, today: date) -> bool:
        return self.status == "due" and today > self.due_date


@dataclass
class Grant:
    id: str
    application_id: str | None
    call_id: str | None
    fund_id: str | None
    window: str | None
    theme: str | None
    country: str | None
    city: str | None
    recipient: str                      # the recipient organisation
    recipient_type: str | None
    programme_id: str
    programme_iati_identifier: str | None
    amount: Decimal                     # the commitment
    currency: str
    disbursed: Decimal
    returned: Decimal
    status: str
    targets: list[dict]
    awarded_at: datetime
    updated_at: datetime
    tranches: list[Tranche] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    closed_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None

    @property
    def undisbursed(self) -> Decimal:
        return money(self.amount - self.disbursed - self.returned)

    @classmethod
    def award(cls, app: Application, fund: Fund, call: Call, *, amount: Decimal | None, tranches: list[dict] | None,
              reports: list[dict] | None, now: datetime) -> tuple["Grant", LedgerEntry]:
        """Commit money to a new grant: within the fund's available balance and the call's envelope."""
        amount = app.amount_requested if amount is None else money(amount)
        if amount > app.amount_requested:
            raise InvalidInput({"amount.amount": [
                f"must not exceed the amount requested ({fmt(app.amount_requested, app.currency)})"]})
        grant_id = new_id()
        today = now.date()
        report_items = reports or [{"title": "Final report", "final": True,
                                    "due_date": today + timedelta(days=DEFAULT_FINAL_REPORT_AFTER_DAYS)}]
        errors = {}
        if sum(1 for r in report_items if r["final"]) != 1:
            errors["reports"] = ["exactly one report must be the final report"]
        for i, r in enumerate(report_items):
            if r["due_date"] < today:
                errors[f"reports.{i}.due_date"] = ["must not be in the past"]
        report_objs = [Report(id=new_id(), grant_id=grant_id, number=i + 1, title=r["title"].strip(),
                              due_date=r["due_date"], final=r["final"], status="due")
                       for i, r in enumerate(report_items)]
        tranche_items = tranches or [{"amount": {"amount": amount, "currency": fund.currency}, "condition": "none"}]
        tranche_objs = []
        for i, t in enumerate(tranche_items):
            if t["amount"]["currency"] != fund.currency:
                errors[f"tranches.{i}.amount.currency"] = [f"must be the fund's currency {fund.currency}"]
            report_ref = t.get("report")
            condition_report_id = None
            if t.get("condition", "none") == "report_approved":
                if report_ref is None or not 1 <= report_ref <= len(report_objs):
                    errors[f"tranches.{i}.report"] = [
                        f"name the report (1-{len(report_objs)}) whose approval releases this tranche"]
                else:
                    condition_report_id = report_objs[report_ref - 1].id
            elif report_ref is not None:
                errors[f"tranches.{i}.report"] = ["only a report_approved tranche names a report"]
            tranche_objs.append(Tranche(id=new_id(), grant_id=grant_id, number=i + 1,
                                        amount=money(t["amount"]["amount"]), planned_date=t.get("planned_date"),
                                        condition=t.get("condition", "none"),
                                        condition_report_id=condition_report_id, disbursed=Decimal("0.00"),
                                        status="planned"))
        total = money(sum((t.amount for t in tranche_objs), Decimal(0)))
        if "tranches" not in errors and total != amount:
            errors["tranches"] = [f"the tranches add up to {fmt(total, fund.currency)}, "
                                  f"not the award of {fmt(amount, fund.currency)}"]
        if errors:
            raise InvalidInput(errors)
        call.commit(amount)
        grant = cls(id=grant_id, application_id=app.id, call_id=call.id, fund_id=fund.id, window=fund.window,
                    theme=app.theme, country=app.country, city=app.city, recipient=app.applicant_organisation,
                    recipient_type=app.applicant_type, programme_id=app.programme_id,
                    programme_iati_identifier=app.programme_iati_identifier, amount=amount, currency=fund.currency,
                    disbursed=Decimal("0.00"), returned=Decimal("0.00"), status="active",
                    targets=[dict(t) for t in app.targets], awarded_at=now, updated_at=now,
                    tranches=tranche_objs, reports=report_objs)
        entry = fund.record(OUTGOING_COMMITMENT, amount, now=now, value_date=today,
                            description=f"grant to {grant.recipient}", grant_id=grant.id)
        app.grant_id = grant.id
        return grant, entry

    def _check(self, action: str) -> None:
        check_transition("grant", GRANT_LIFECYCLE, self.status, action)
        if self.fund_id is None:
            raise Conflict("this grant was recorded before funds existed; it has no fund to act on")

    def tranche(self, tranche_id: str) -> Tranche:
        for t in self.tranches:
            if t.id == tranche_id or str(t.number) == str(tranche_id):
                return t
        raise InvalidInput({"tranche": [f"this grant has no tranche {tranche_id!r} "
                                        f"(tranches: {', '.join(str(t.number) for t in self.tranches)})"]})

    def report(self, report_id: str) -> Report:
        for r in self.reports:
            if r.id == report_id or str(r.number) == str(report_id):
                return r
        from shared.errors import NotFound
        raise NotFound("report", report_id)

    def disburse(self, fund: Fund, tranche_ref: str, amount: Decimal | None, value_date: date,
                 now: datetime) -> tuple[Tranche, LedgerEntry]:
        self._check("disburse")
        tranche = self.tranche(tranche_ref)
        check_transition("tranche", TRANCHE_LIFECYCLE, tranche.status, "disburse")
        if tranche.condition == "report_approved":
            report = next(r for r in self.reports if r.id == tranche.condition_report_id)
            if report.status != "approved":
                raise Conflict(f"tranche {tranche.number} is released when report {report.number} "
                               f"({report.title!r}) is approved; it is {report.status}")
        amount = tranche.remaining if amount is None else money(amount)
        if amount > tranche.remaining:
            raise InvalidInput({"amount.amount": [f"exceeds what is left of tranche {tranche.number} "
                                                  f"({fmt(tranche.remaining, self.currency)})"]})
        if amount > self.undisbursed:
            raise InvalidInput({"amount.amount": [f"exceeds the undisbursed commitment "
                                                  f"({fmt(self.undisbursed, self.currency)})"]})
        entry = fund.record(DISBURSEMENT, amount, now=now, value_date=value_date,
                            description=f"tranche {tranche.number} to {self.recipient}", grant_id=self.id,
                            tranche_id=tranche.id)
        tranche.disbursed = money(tranche.disbursed + amount)
        if tranche.remaining == 0:
            tranche.status, tranche.disbursed_at = "disbursed", now
        self.disbursed = money(self.disbursed + amount)
        self.updated_at = now
        return tranche, entry

    def submit_report(self, report_id: str, summary: str, results: list[dict], now: datetime) -> tuple[Report, str]:
        self._check("submit_report")
        report = self.report(report_id)
        check_transition("report", REPORT_LIFECYCLE, report.status, "submit")
        previous = report.status
        report.status, report.summary, report.results, report.submitted_at = "submitted", summary, \
            [dict(r) for r in results], now
        self.updated_at = now
        return report, previous

    def review_report(self, report_id: str, approve: bool, feedback: str, now: datetime) -> tuple[Report, str]:
        self._check("approve_report" if approve else "request_report_changes")
        report = self.report(report_id)
        check_transition("report", REPORT_LIFECYCLE, report.status, "approve" if approve else "request_changes")
        previous = report.status
        report.feedback = feedback or ""
        if approve:
            report.status, report.approved_at = "approved", now
        else:
            report.status = "due"
        self.updated_at = now
        return report, previous

    def _end(self, fund: Fund, call: Call | None, status: str, now: datetime, description: str) -> tuple[str, Decimal]:
        returned = self.undisbursed
        if returned > 0:
            fund.record(OUTGOING_COMMITMENT, -returned, now=now, value_date=now.date(),
                        description=description, grant_id=self.id)
            if call is not None:
                call.release(returned)
        for tranche in self.tranches:
            if tranche.status == "planned":
                tranche.status = "cancelled"
        previous, self.status = self.status, status
        self.returned = money(self.returned + returned)
        self.updated_at = now
        return previous, returned

    def close(self, fund: Fund, call: Call | None, now: datetime) -> tuple[str, Decimal]:
        self._check("close")
        final = next((r for r in self.reports if r.final), None)
        if final is None or final.status != "approved":
            state = final.status if final else "missing"
            raise Conflict(f"closeout needs the final report approved; it is {state}")
        previous, returned = self._end(fund, call, "closed", now, f"undisbursed balance of a closed grant to "
                                                                   f"{self.recipient} returned")
        self.closed_at = now
        return previous, returned

    def cancel(self, fund: Fund, call: Call | None, reason: str, now: datetime) -> tuple[str, Decimal]:
        self._check("cancel")
        previous, returned = self._end(fund, call, "cancelled", now, f"grant to {self.recipient} cancelled: "
                                                                      f"undisbursed part returned")
        self.cancelled_at, self.cancel_reason = now, reason.strip()
        return previous, returned

    # reporting obligations over time

    def reports_coming_due(self, today: date, notice_days: int) -> list[Report]:
        """Reports whose due date is within the notice period and not yet notified."""
        if self.status != "active":
            return []
        return [r for r in self.reports if r.status == "due" and r.due_notified_at is None
                and r.due_date - timedelta(days=notice_days) <= today]

    def reports_newly_overdue(self, today: date) -> list[Report]:
        if self.status != "active":
            return []
        return [r for r in self.reports if r.is_overdue(today) and r.overdue_at is None]

    def people_reached(self) -> int | None:
        """People reached as the approved reports tell (the latest approved report's figure)."""
        approved = sorted((r for r in self.reports if r.status == "approved"), key=lambda r: r.number)
        figures = [next((x["value"] for x in r.results if x["indicator"] == "people_reached"), None)
                   for r in approved]
        figures = [f for f in figures if f is not None]
        return figures[-1] if figures else None
