"""Grants: the agreement (the grantee signs, the fund countersigns) and payment requests (the
grantee asks; programme staff, then finance with another key, approve; finance pays, records a
failure, retries). The grants service enforces who may (docs/grants.md)."""
from typing import Any

from gateway.entrypoints import actor_of, api, json_body
from shared.api import grants as g

TAGS = ["grants: grants"]


class GrantPaymentRoutes:
    grants: Any       # the grants service's RPC proxy (GatewayService.grants)
    _grants_page: Any  # GrantRoutes': a page of a grants list

    @api("POST", "/v1/grants/<string:grant_id>/agreement/signature", access="partner", body=g.EmptyInput,
         response=g.GrantOut, tags=TAGS,
         summary="The grantee signs the grant's agreement (a key of the recipient organisation)")
    def sign_agreement(self, request, grant_id):
        body = json_body(request) if request.get_data() else {}
        return self.grants.sign_agreement(grant_id, body, actor=actor_of(request))

    @api("POST", "/v1/grants/<string:grant_id>/agreement/countersignature", access="admin", body=g.EmptyInput,
         response=g.GrantOut, tags=TAGS,
         summary="The fund countersigns the agreement the grantee signed; tranches may then be paid")
    def countersign_agreement(self, request, grant_id):
        body = json_body(request) if request.get_data() else {}
        return self.grants.countersign_agreement(grant_id, body, actor=actor_of(request))

    # payment requests: the grantee asks; programme staff, then finance (another key) approve (or
    # reject, with a reason); finance pays
    @api("POST", "/v1/grants/<string:grant_id>/payments", access="partner", body=g.PaymentRequestInput,
         response=g.PaymentOut, status=201, tags=TAGS,
         summary="The grantee requests a tranche's payment (any currency with a rate: converted at value_date)")
    def request_payment(self, request, grant_id):
        return 201, self.grants.request_payment(grant_id, json_body(request), actor=actor_of(request))

    @api("GET", "/v1/grants/<string:grant_id>/payments", access="reader", query=g.PaymentQuery,
         response=g.PaymentPage, tags=TAGS, summary="A grant's payment requests")
    def list_payments(self, request, grant_id):
        return self._grants_page(request, "list_payments", grant_id)

    def _payment_action(self, request, payment_id, action):
        body = json_body(request) if request.get_data() else {}
        return self.grants.act_on_payment(payment_id, action, body, actor=actor_of(request))

    @api("POST", "/v1/payments/<string:payment_id>/programme-approval", access="reader", scope="programme",
         body=g.EmptyInput, response=g.PaymentOut, tags=TAGS,
         summary="Programme staff approve a payment request (the `programme` scope)")
    def approve_payment_programme(self, request, payment_id):
        return self._payment_action(request, payment_id, "approve_programme")

    @api("POST", "/v1/payments/<string:payment_id>/finance-approval", access="reader", scope="finance",
         body=g.EmptyInput, response=g.PaymentOut, tags=TAGS,
         summary="Finance approves a payment request after programme staff (the `finance` scope, another key)")
    def approve_payment_finance(self, request, payment_id):
        return self._payment_action(request, payment_id, "approve_finance")

    @api("POST", "/v1/payments/<string:payment_id>/programme-rejection", access="reader", scope="programme",
         body=g.PaymentRejectionInput, response=g.PaymentOut, tags=TAGS,
         summary="Programme staff reject a submitted payment request, with a reason (the `programme` scope)")
    def reject_payment_programme(self, request, payment_id):
        return self._payment_action(request, payment_id, "reject_programme")

    @api("POST", "/v1/payments/<string:payment_id>/finance-rejection", access="reader", scope="finance",
         body=g.PaymentRejectionInput, response=g.PaymentOut, tags=TAGS,
         summary="Finance rejects a payment request programme staff approved, with a reason (the `finance` scope)")
    def reject_payment_finance(self, request, payment_id):
        return self._payment_action(request, payment_id, "reject_finance")

    @api("POST", "/v1/payments/<string:payment_id>/payment", access="reader", scope="finance", body=g.PaymentInput,
         response=g.PaymentOut, tags=TAGS,
         summary="Finance records the payment: the tranche is disbursed (IATI 3)")
    def pay_payment(self, request, payment_id):
        return self._payment_action(request, payment_id, "pay")

    @api("POST", "/v1/payments/<string:payment_id>/failure", access="reader", scope="finance",
         body=g.PaymentFailureInput, response=g.PaymentOut, tags=TAGS,
         summary="Finance records a failed payment, with its reason (nothing is disbursed)")
    def fail_payment(self, request, payment_id):
        return self._payment_action(request, payment_id, "fail")

    @api("POST", "/v1/payments/<string:payment_id>/retry", access="reader", scope="finance", body=g.EmptyInput,
         response=g.PaymentOut, tags=TAGS, summary="Finance retries a failed payment")
    def retry_payment(self, request, payment_id):
        return self._payment_action(request, payment_id, "retry")
