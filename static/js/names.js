/* Customers as the phone finds and names them without the server: the greeting worded in the language shown
   now (a snapshot keeps every language's), and the search the server does (server/customers/service.py
   search: name, pinyin, initials, last four, today's ticket) over what the phone holds today. */
import { lang } from "./dom.js";

/** "方女士" in the Chinese interface, "Ms Fang" in the English one, whichever language the record was read in. */
export function nameOf(customer) {
  return (customer.greeting_names && customer.greeting_names[lang().slice(0, 2)]) || customer.greeting_name;
}

const HAN = /[\u3400-\u9fff]/;
const LATIN = /^[a-zA-Zü' ]+$/;

/** Whether a customer the phone holds matches the query as the server's search would match it. */
export function matches(customer, query, tickets = []) {
  const compact = query.replace(/[\s-]/g, "");
  if (!compact) return false;
  if (tickets.includes(compact.toUpperCase())) return true;
  if (/^\d{4}$/.test(compact) || /^\d{3}[xX]$/.test(compact)) {
    const last4 = compact.toUpperCase();
    return [customer.phone_masked, customer.id_number_masked, customer.card_masked]
      .some((masked) => masked && masked.toUpperCase().endsWith(last4));
  }
  if (HAN.test(query)) return (customer.full_name || "").startsWith(compact);
  if (LATIN.test(query)) {
    const key = query.toLowerCase().replace(/ü/g, "v").replace(/[^a-z]/g, "");
    return Boolean(key) && [customer.name_initials, customer.name_pinyin].some((k) => (k || "").startsWith(key));
  }
  return false;
}
