/**
 * How a waiting ticket is described to its customer, on the kiosk and on the phone page alike:
 * how many are ahead (position - 1) and an honest range rounded out to 5 minutes.
 */
import { t } from "/static/i18n.js";

/** "about 10–15 minutes", or "we can't estimate your wait yet" when the API has none. */
export function estimateText(ticket) {
  const { estimated_wait_low_s: low, estimated_wait_high_s: high } = ticket;
  if (low == null || high == null) return t("no_estimate");
  const from = 5 * Math.floor(low / 300);
  const to = Math.max(5 * Math.ceil(high / 300), from + 5);
  return t("estimate", { low: from, high: to });
}

/** "You are next", "1 person is ahead of you", "{count} people are ahead of you". */
export function aheadText(ticket) {
  const ahead = Math.max((ticket.position ?? 1) - 1, 0);
  if (ahead === 0) return t("ahead_none");
  return ahead === 1 ? t("ahead_one") : t("ahead_many", { count: ahead });
}
