/** Why a shipment (or transport) is stuck: Digitoll's refusals and broken VOEC rules, with the field each names. */
import type { DigitollError, RuleViolation } from '../api/types.ts';
import { digitollErrorField, digitollMessageWords, humanize, pointerWords } from '../model/words.ts';

export function DigitollErrors({ errors, who = 'it' }: { errors?: DigitollError[]; who?: string }) {
  if (!errors?.length) return null;
  return (
    <ul class="problems">
      {errors.map((error) => {
        const words = digitollMessageWords(error.message);
        return (
          <li key={`${error.digitollPath}-${error.message}`}>
            <strong>Digitoll refused {who}:</strong> {words ?? error.message}
            {words ? <span class="muted"> (Digitoll: “{error.message}”)</span> : null}
            <div class="field">
              Field: <span>{digitollErrorField(error)}</span>
              {error.path && error.digitollPath ? (
                <span class="muted mono"> · {error.digitollPath}</span>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function RuleViolations({ rejections }: { rejections: RuleViolation[] }) {
  if (!rejections.length) return null;
  return (
    <ul class="problems">
      {rejections.map((violation) => (
        <li key={`${violation.rule}-${violation.path}`}>
          <strong>Breaks a VOEC rule ({humanize(violation.rule).toLowerCase()}):</strong> {violation.message}
          <div class="field">Field: {pointerWords(violation.path)}</div>
        </li>
      ))}
    </ul>
  );
}
