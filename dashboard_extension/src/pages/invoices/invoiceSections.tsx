import { Text } from "@saleor/macaw-ui";

import { useT } from "../../i18n/useT";
import { Section } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { money, useDates } from "../subscriptions/format";
import type { InvoiceDetail } from "./InvoicePage";

export function LinesSection({ invoice }: { invoice: InvoiceDetail }) {
  const t = useT();
  return (
    <Section title={t("inv.lines")} data-section="lines">
      {invoice.lines.length === 0 ? (
        <Text>{t("inv.noLines")}</Text>
      ) : (
        <Table>
          <THead>
            <TR>
              <TH scope="col">{t("inv.line.description")}</TH>
              <TH scope="col">{t("inv.line.formula")}</TH>
              <TH scope="col">{t("inv.line.quantity")}</TH>
              <TH scope="col">{t("inv.line.amount")}</TH>
              <TH scope="col">{t("inv.tax")}</TH>
            </TR>
          </THead>
          <TBody>
            {invoice.lines.map((line) => (
              <TR key={line.position} data-line={line.kind}>
                <TD>{line.description}</TD>
                <TD>{line.formula}</TD>
                <TD>{line.quantity}</TD>
                <TD>{money(line.amount, invoice.currency)}</TD>
                <TD>{money(line.taxAmount, invoice.currency)}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Section>
  );
}

export function PaymentsSection({ invoice }: { invoice: InvoiceDetail }) {
  const t = useT();
  const dates = useDates();
  return (
    <Section title={t("inv.payments")} data-section="payments">
      {invoice.payments.length === 0 ? (
        <Text>{t("inv.noPayments")}</Text>
      ) : (
        <Table>
          <THead>
            <TR>
              <TH scope="col">#</TH>
              <TH scope="col">{t("sub.event.when")}</TH>
              <TH scope="col">{t("sub.inv.status")}</TH>
              <TH scope="col">{t("inv.line.amount")}</TH>
              <TH scope="col">{t("inv.payment.decline")}</TH>
              <TH scope="col">{t("inv.payment.reference")}</TH>
            </TR>
          </THead>
          <TBody>
            {invoice.payments.map((payment) => (
              <TR key={payment.number} data-payment={payment.status}>
                <TD>{payment.number}</TD>
                <TD>{dates.moment(payment.createdAt)}</TD>
                <TD>{payment.status}</TD>
                <TD>{money(payment.amount, payment.currency)}</TD>
                <TD>{payment.declineCode}</TD>
                <TD>{payment.stripeReference}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Section>
  );
}

export function RefundsSection({ invoice }: { invoice: InvoiceDetail }) {
  const t = useT();
  const dates = useDates();
  return (
    <Section title={t("inv.refunds")} data-section="refunds">
      {invoice.refunds.length === 0 ? (
        <Text>{t("inv.noRefunds")}</Text>
      ) : (
        <Table>
          <THead>
            <TR>
              <TH scope="col">{t("sub.event.when")}</TH>
              <TH scope="col">{t("inv.line.amount")}</TH>
              <TH scope="col">{t("inv.payment.reference")}</TH>
              <TH scope="col">{t("sub.event.why")}</TH>
              <TH scope="col">{t("inv.refund.done")}</TH>
            </TR>
          </THead>
          <TBody>
            {invoice.refunds.map((refund) => (
              <TR key={`${refund.stripePaymentIntent}-${refund.createdAt}`}>
                <TD>{dates.moment(refund.createdAt)}</TD>
                <TD>{refund.amount ? money(refund.amount, invoice.currency) : t("inv.refund.whole")}</TD>
                <TD>{refund.stripePaymentIntent}</TD>
                <TD>{refund.reason}</TD>
                <TD>{refund.doneAt ? dates.moment(refund.doneAt) : refund.lastError || t("inv.refund.pending")}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Section>
  );
}

export function CreditNotesSection({ invoice }: { invoice: InvoiceDetail }) {
  const t = useT();
  const dates = useDates();
  return (
    <Section title={t("inv.creditNotes")} data-section="credit-notes">
      {invoice.creditNotes.length === 0 ? (
        <Text>{t("inv.noCreditNotes")}</Text>
      ) : (
        <Table>
          <THead>
            <TR>
              <TH scope="col">{t("sub.inv.number")}</TH>
              <TH scope="col">{t("sub.event.when")}</TH>
              <TH scope="col">{t("inv.line.amount")}</TH>
              <TH scope="col">{t("inv.creditNote.how")}</TH>
              <TH scope="col">{t("sub.event.why")}</TH>
            </TR>
          </THead>
          <TBody>
            {invoice.creditNotes.map((note) => (
              <TR key={note.id} data-credit-note={note.number}>
                <TD>{note.number}</TD>
                <TD>{dates.moment(note.createdAt)}</TD>
                <TD>{money(note.amount, invoice.currency)}</TD>
                <TD>
                  {note.stripeRefund
                    ? t("inv.creditNote.moneyBack", { refund: note.stripeRefund })
                    : t("inv.creditNote.balance")}
                </TD>
                <TD>{note.reason}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Section>
  );
}
