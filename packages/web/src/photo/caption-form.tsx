import { useState } from 'react';
import type { AssetView } from '../api/client.js';
import { InlineForm } from '../components/forms.js';
import { useChange } from '../library/attempt.js';

const MAX_CAPTION = 4096;

/** The caption, set or cleared here; an empty caption clears it. */
export function CaptionForm({ asset, onChanged }: { asset: AssetView; onChanged: () => void }) {
  const saved = asset.fields.caption ?? '';
  const [caption, setCaption] = useState(saved);
  const { busy, problem, change } = useChange(onChanged);
  return (
    <InlineForm
      label="Edit the caption"
      problem={problem}
      onSubmit={() =>
        void change({ kind: 'setField', assetId: asset.id, field: 'caption', value: caption })
      }
    >
      <label>
        Caption
        <input
          value={caption}
          maxLength={MAX_CAPTION}
          placeholder="Add a caption"
          onChange={(event) => {
            setCaption(event.target.value);
          }}
        />
      </label>
      <button type="submit" disabled={busy || caption === saved}>
        Save caption
      </button>
    </InlineForm>
  );
}
