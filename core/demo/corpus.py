# ruff: noqa: E501 - one request (or article) per line reads better than wrapped prose
"""Realistic demo requests, labelled by category: what AI triage trains on after `make run`.

Each category has requests written the way customers write them (a subject and a first
message), plus details that vary between tenants and tickets (a plan, a browser, an invoice
number). `demo_requests()` turns them into a deterministic list, the same on every run, so
the seed stays idempotent and the trained model sees the same words each time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# category -> [(subject, body)], "{...}" filled from DETAILS.
REQUESTS: dict[str, list[tuple[str, str]]] = {
    "billing": [
        (
            "Charged twice for {month}",
            "Our card was charged twice for the {month} invoice. Please refund one of the payments.",
        ),
        (
            "Invoice {invoice} shows the wrong VAT number",
            "The VAT number on invoice {invoice} is our old one. Can you reissue the invoice?",
        ),
        (
            "Downgrade to the {plan} plan",
            "We want to move to the {plan} plan from next month. Will the unused days be credited?",
        ),
        (
            "Refund for unused seats",
            "We removed 4 seats last week but the invoice still bills all of them. Please refund the difference.",
        ),
        (
            "Payment failed with a valid card",
            "The payment for {month} failed although the card is valid and has funds. What should we do?",
        ),
        (
            "Need a receipt for our accountant",
            "Could you send a receipt for the {month} payment? Our accountant needs it for the books.",
        ),
        (
            "Annual billing instead of monthly",
            "How do we switch to annual billing, and is there a discount for paying the year up front?",
        ),
        (
            "Unexpected charge on our credit card",
            "There is a charge from you on our card that matches no invoice in the billing page.",
        ),
        (
            "Update the billing address",
            "We moved offices. Please change the billing address on future invoices to our new address.",
        ),
        (
            "Pro-rated charge looks wrong",
            "We upgraded mid-month and the pro-rated amount on invoice {invoice} seems too high.",
        ),
        (
            "Cancel the subscription at the end of the term",
            "Please cancel our subscription at the end of the current billing period. No renewal.",
        ),
    ],
    "account_access": [
        (
            "Login fails after resetting my password",
            "I reset my password but the login page keeps saying the password is wrong, on {browser}.",
        ),
        (
            "Two-factor codes are rejected",
            "The codes from my authenticator app are always refused as invalid since this morning.",
        ),
        (
            "Locked out after too many attempts",
            "My account is locked after several failed sign-ins. How long until I can try again?",
        ),
        (
            "Password reset email never arrives",
            "I asked for a password reset three times and no email came, not even in spam.",
        ),
        (
            "New colleague cannot sign in",
            "Our new team member got the invitation but the link says it has expired.",
        ),
        (
            "SSO login loops back to the sign-in page",
            "Signing in with our company SSO sends me back to the sign-in page in {browser}.",
        ),
        (
            "Change the email address of my account",
            "I changed jobs inside the company. How do I change the email I sign in with?",
        ),
        (
            "Session expires every few minutes",
            "I get signed out every five minutes while working, which loses what I typed.",
        ),
        (
            "Remove a former employee's access",
            "A colleague left last week. Please make sure they can no longer sign in to our account.",
        ),
        (
            "Lost my phone with the authenticator",
            "My phone with the two-factor app was stolen. How can I get back into my account?",
        ),
        (
            "Account shows another company's name",
            "After signing in I see the name of a different company at the top. Am I in the right account?",
        ),
    ],
    "bug": [
        (
            "CSV export stops with an error",
            "Exporting {rows} rows fails after 30 seconds with an error page.",
        ),
        (
            "Dashboard charts are empty in {browser}",
            "The dashboard loads but every chart stays empty in {browser}. It works in another browser.",
        ),
        (
            "Attachments over 5 MB fail to upload",
            "Uploading a PDF of 7 MB stops at 99 % and then shows an error.",
        ),
        (
            "Search returns no results for exact titles",
            "Searching for the exact title of an existing document finds nothing.",
        ),
        (
            "Dates shown one day off",
            "All due dates appear one day earlier than what we entered. We are in {city}.",
        ),
        (
            "Page crashes when sorting by date",
            "Clicking the date column to sort makes the page go blank with an error in the console.",
        ),
        (
            "Notifications arrive twice",
            "Every email notification arrives twice, a few seconds apart, since the last update.",
        ),
        (
            "Mobile app freezes on start",
            "The app on my phone freezes on the splash screen since the update this week.",
        ),
        (
            "Report totals do not add up",
            "The weekly report shows a total of {rows} but the rows below add up to less.",
        ),
        (
            "Images in comments are broken",
            "Images pasted into comments show a broken icon for everyone but the author.",
        ),
        (
            "Error 500 when saving settings",
            "Saving the notification settings gives an internal server error every time.",
        ),
    ],
    "feature_request": [
        ("Dark theme for late shifts", "Our team works at night; a dark theme would be easier on the eyes."),
        (
            "Please add an API for reports",
            "We would like to pull the weekly report numbers into our own dashboard through an API.",
        ),
        ("Allow more than one admin", "Could an account have several admins? Our only admin is often away."),
        (
            "Keyboard shortcuts for common actions",
            "It would save us time to have keyboard shortcuts for reply, assign and close.",
        ),
        (
            "Bulk edit of records",
            "We often need to change the same field on many records. A bulk edit would help.",
        ),
        (
            "Integration with our calendar",
            "Please add a calendar integration so due dates show up in our team calendar.",
        ),
        (
            "Custom fields on the sign-up form",
            "We want to ask for a company size field when customers sign up.",
        ),
        (
            "Export in Excel format",
            "CSV works, but our finance team would prefer a real Excel file with formatting.",
        ),
        (
            "Scheduled reports by email",
            "Could the monthly report be sent by email automatically on the first day of the month?",
        ),
        (
            "Translations for our German customers",
            "Many of our customers are in {city}; a German interface would help them.",
        ),
        (
            "Mark favourites in the list",
            "It would be handy to star a few records and see them at the top of the list.",
        ),
    ],
    "how_to": [
        ("How do I invite my team?", "I am the new admin. Where do I invite the other people of my team?"),
        (
            "How to connect our support mailbox",
            "We want emails to support@ to become tickets. How do we set up the mailbox?",
        ),
        (
            "Where can I change the time zone?",
            "Times are shown in UTC but we work in {city}. Where do I change the time zone?",
        ),
        (
            "How to set up office hours",
            "How do I tell the system our office hours so response times are counted fairly?",
        ),
        (
            "Can I import our old data?",
            "We are moving from another tool. Is there a way to import our history?",
        ),
        (
            "How do I create a template answer?",
            "We answer the same question every day. Can I save a reply to reuse it?",
        ),
        (
            "Where are the usage statistics?",
            "Is there a page that shows how many requests we handled each week?",
        ),
        (
            "How to give a customer access to past requests",
            "A customer wants to see all the requests their colleagues made. Is that possible?",
        ),
        (
            "Setting up the {plan} plan's extra features",
            "We upgraded to {plan}. How do we turn on the features that came with it?",
        ),
        (
            "How to change the logo on the help centre",
            "Where do I upload our logo and colours for the customer-facing pages?",
        ),
        (
            "How do I export everything for an audit?",
            "Our auditor wants all requests of last year. What is the best way to export them?",
        ),
    ],
    "shipping": [
        (
            "Order {order} has not arrived",
            "Our order {order} was marked as shipped ten days ago and still has not arrived in {city}.",
        ),
        (
            "Tracking number does not work",
            "The tracking number for order {order} is not recognised on the carrier's website.",
        ),
        ("Wrong item delivered", "We received a different model than the one we ordered in order {order}."),
        (
            "Package arrived damaged",
            "The box for order {order} was crushed and the device inside has a cracked screen.",
        ),
        (
            "Change the delivery address",
            "Can we still change the delivery address of order {order}? We moved to {city}.",
        ),
        (
            "Return label for a faulty unit",
            "One of the units in order {order} does not power on. Please send a return label.",
        ),
        (
            "Delivery keeps being rescheduled",
            "The courier has rescheduled the delivery of order {order} three times now.",
        ),
        (
            "Customs fees on delivery",
            "We were asked to pay customs fees on order {order}. Were these not included?",
        ),
        ("Partial delivery only", "Order {order} arrived with 3 of the 5 items. When will the rest ship?"),
        (
            "Express shipping for a replacement",
            "Can the replacement for order {order} be sent by express? We need it this week.",
        ),
        (
            "Invoice missing from the package",
            "There was no invoice in the package of order {order}; customs needs one.",
        ),
    ],
}
CATEGORIES = tuple(REQUESTS)

DETAILS = {
    "month": ["January", "February", "March", "April", "May", "June"],
    "invoice": ["INV-2041", "INV-2107", "INV-2230", "INV-2318"],
    "plan": ["Starter", "Team", "Business"],
    "browser": ["Firefox", "Safari", "Chrome", "Edge"],
    "rows": ["20,000", "48,500", "120,000"],
    "city": ["Berlin", "Lisbon", "Toronto", "Osaka"],
    "order": ["#58213", "#58877", "#59102", "#59540"],
}


@dataclass(frozen=True)
class DemoRequest:
    subject: str
    body: str
    category: str


def demo_requests(seed: str) -> list[DemoRequest]:
    """Every request of every category once, details filled, in a mixed order fixed by `seed`."""
    rng = random.Random(seed)
    out = []
    for category, items in REQUESTS.items():
        for subject, body in items:
            details = {key: rng.choice(values) for key, values in DETAILS.items()}
            out.append(DemoRequest(subject.format(**details), body.format(**details), category))
    rng.shuffle(out)
    return out
