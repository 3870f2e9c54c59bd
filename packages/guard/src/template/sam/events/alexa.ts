import { checkKeys } from '../properties';
import { clone, dict } from '../values';
import { EventInput, lambdaPermission, propertyPath } from './target';

/** AlexaSkill: a permission for the Alexa Skills Kit, scoped to the skill when SkillId is given. */
export function alexaEvent(input: EventInput): void {
  const { event } = input;
  checkKeys(event.properties, ['SkillId'], propertyPath(event), `event ${event.name}`);
  lambdaPermission(input, `${event.logicalId}Permission`, 'alexa-appkit.amazon.com', dict([['EventSourceToken', clone(event.properties.SkillId)]]));
}
