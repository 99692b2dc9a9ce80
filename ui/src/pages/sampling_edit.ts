// Creating, editing and deleting sampling rules from the sampling page,
// through the X-Ray API's own operations on the same origin
// (CreateSamplingRule, UpdateSamplingRule, DeleteSamplingRule), whose
// validation messages are shown as they come.

import { postJSON } from "../api";
import type { SamplingRule } from "../api_sampling";
import { errorBox, field, h, mount } from "../dom";

/** FIELDS: what the form edits, in the X-Ray console's order. */
const TEXT = ["ServiceName", "ServiceType", "Host", "HTTPMethod", "URLPath", "ResourceARN"] as const;

export interface RuleEditor {
  /** where the form opens */
  slot: HTMLElement;
  /** actions: edit and delete buttons for a rule, "New rule" for null */
  actions(rule: SamplingRule | null): HTMLElement;
}

/** ruleEditor builds the form's slot and the buttons that open it; done runs after a change was accepted. */
export function ruleEditor(done: () => void): RuleEditor {
  const slot = h("div", { id: "rule-editor" });
  const open = (rule: SamplingRule | null) => mount(slot, form(rule, slot, done));
  const remove = async (rule: SamplingRule) => {
    if (!confirm(`Delete sampling rule ${rule.RuleName}?`)) return;
    try {
      await postJSON("/DeleteSamplingRule", {}, { RuleName: rule.RuleName });
      done();
    } catch (err) {
      mount(slot, errorBox(err));
    }
  };
  return {
    slot,
    actions: (rule) =>
      rule
        ? h(
            "span",
            { class: "nowrap rule-actions" },
            h("button", { type: "button", class: "link edit-rule", "data-rule": rule.RuleName, onclick: () => open(rule) }, "edit"),
            rule.RuleName === "Default" ? null : [" ", h("button", { type: "button", class: "link delete-rule", "data-rule": rule.RuleName, onclick: () => void remove(rule) }, "delete")],
          )
        : h("button", { type: "button", id: "new-rule", onclick: () => open(null) }, "New rule"),
  };
}

function form(rule: SamplingRule | null, slot: HTMLElement, done: () => void): HTMLElement {
  const isDefault = rule?.RuleName === "Default";
  const input = (name: string, value: string | number, size = 14, disabled = false) => h("input", { name, value: String(value), size, disabled });
  const name = input("RuleName", rule?.RuleName ?? "", 16, rule !== null);
  const priority = input("Priority", rule?.Priority ?? 1000, 6, isDefault);
  const texts = TEXT.map((f) => [f, input(f, rule?.[f] ?? "*", f === "URLPath" || f === "Host" ? 20 : 14, isDefault)] as const);
  const rate = input("FixedRate", rule?.FixedRate ?? 0.05, 5);
  const reservoir = input("ReservoirSize", rule?.ReservoirSize ?? 1, 5);
  const errorSlot = h("div", { class: "rule-error" });
  const submit = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { RuleName: name.value.trim(), FixedRate: Number(rate.value), ReservoirSize: Number(reservoir.value) };
    if (!isDefault) {
      body.Priority = Number(priority.value);
      // An empty field leaves an edited rule's value as it was; a new rule's matches anything.
      for (const [f, el] of texts) if (el.value.trim() || !rule) body[f] = el.value.trim() || "*";
    }
    try {
      if (rule) await postJSON("/UpdateSamplingRule", {}, { SamplingRuleUpdate: body });
      else await postJSON("/CreateSamplingRule", {}, { SamplingRule: { ...body, Version: 1 } });
      mount(slot);
      done();
    } catch (err) {
      mount(errorSlot, errorBox(err));
    }
  };
  return h(
    "form",
    { class: "rule-form", id: "rule-form", onsubmit: submit },
    h("h3", null, rule ? `Edit rule ${rule.RuleName}` : "New rule", isDefault ? h("span", { class: "muted small" }, " (Default: only its rate and reservoir change)") : null),
    h("div", { class: "toolbar" }, field("Name", name), field("Priority (1–9999)", priority), texts.map(([f, el]) => field(f, el))),
    h(
      "div",
      { class: "toolbar" },
      field("FixedRate (0–1)", rate),
      field("ReservoirSize (per second)", reservoir),
      h("button", { type: "submit" }, rule ? "Save" : "Create"),
      h("button", { type: "button", onclick: () => mount(slot) }, "Cancel"),
    ),
    errorSlot,
  );
}
