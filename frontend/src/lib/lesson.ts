// Whether the page is still in the lesson it loaded, and which lesson a reopened run came from.
//
// A lesson is about its data: choosing another dataset than the lesson's (or than the setting it
// contrasts with) leaves it, while tuning the network or the rates stays in it, since that is what
// lessons invite. A reopened run belongs to the lesson whose data and network it trained.

import type { Preset } from './api';
import type { FullSpec } from './spec';

type Complete = (partial: unknown) => FullSpec;

/** The lesson's settings, completed: its own and the one it contrasts with. */
function settings(preset: Preset, complete: Complete): FullSpec[] {
  return [preset.spec, preset.compare?.spec].filter(Boolean).map((spec) => complete(spec));
}

export function inLesson(preset: Preset, spec: FullSpec, complete: Complete): boolean {
  return settings(preset, complete).some((setting) => setting.data.dataset === spec.data.dataset);
}

/** The lesson a run's spec is one of the settings of (same data, same network), if any: a lesson's own
 * setting first, since one lesson's comparison is often another lesson's own run. */
export function lessonOfRun(presets: Preset[], spec: FullSpec, complete: Complete): Preset | undefined {
  const network = JSON.stringify(spec.model.layers);
  const trains = (setting: unknown) => {
    if (!setting) return false;
    const full = complete(setting);
    return full.data.dataset === spec.data.dataset && JSON.stringify(full.model.layers) === network;
  };
  return presets.find((preset) => trains(preset.spec)) ?? presets.find((preset) => trains(preset.compare?.spec));
}
