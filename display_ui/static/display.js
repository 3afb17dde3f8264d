/**
 * The lobby board: who is called to which desk and how many wait per service, live from the
 * `board` snapshot through the shared connection (live.js), with the connection state shown.
 */
import { deviceToken } from "/static/api.js";
import { t } from "/static/i18n.js";
import { connect } from "/static/live.js";

const connection = document.getElementById("connection");
const calling = document.getElementById("calling");
const waiting = document.getElementById("waiting");

function items(list, texts) {
  list.replaceChildren(
    ...texts.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }),
  );
}

function draw(board) {
  const calls = board.calling.map((call) => t("desk", { number: call.number, desk: call.desk }));
  items(calling, calls.length ? calls : [t("nobody")]);
  items(
    waiting,
    board.services.map((service) => t("waiting", { service: service.name, waiting: service.waiting })),
  );
}

const live = connect({
  token: deviceToken() ?? undefined,
  onState: (state) => {
    connection.dataset.state = state;
    connection.textContent = t(state);
  },
});
live.subscribe({ site: document.body.dataset.site, view: "board" }, { onSnapshot: draw });
