import { useRef, useState, type ReactElement } from 'react';
import { derivativeUrl, type AssetView } from '../api/client.js';
import { mediaError, nameOf } from '../asset-facts.js';
import { motionOf, motionUrl } from './motion.js';

/** The asset as it looks now: its preview, a video to play, or a Live Photo that moves. */
export function Rendition({ asset }: { asset: AssetView }) {
  const media = asset.media.render ?? asset.media.original;
  const preview =
    media && !('pending' in media)
      ? media.derivatives.find((d) => d.role === 'preview')
      : undefined;
  const motion = motionOf(asset);
  // A video plays in the browser whether or not the server could make a still of it.
  if (motion === 'video') {
    return (
      <video
        className="preview"
        controls
        preload="metadata"
        src={motionUrl(asset.id)}
        poster={preview && derivativeUrl(asset.id, 'preview')}
        width={preview?.width}
        height={preview?.height}
        aria-label={nameOf(asset)}
      />
    );
  }
  if (!preview) {
    const failed = mediaError(asset);
    return (
      <p className="no-preview">
        {failed
          ? `The server could not read this file (${failed}); the original is kept as it is.`
          : 'The preview is being made.'}
      </p>
    );
  }
  const still = (
    <img
      className="preview"
      src={derivativeUrl(asset.id, 'preview')}
      width={preview.width}
      height={preview.height}
      alt={nameOf(asset)}
    />
  );
  return motion === 'live' ? <LivePhoto asset={asset} still={still} /> : still;
}

/**
 * The still, and its motion played over it while the pointer rests on it or the LIVE button is
 * pressed (the keyboard's way, and a phone's). Loaded only when first played.
 */
function LivePhoto({ asset, still }: { asset: AssetView; still: ReactElement }) {
  const video = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  const play = () => {
    setPlaying(true);
    void video.current?.play().catch(() => {
      setPlaying(false);
    });
  };
  const stop = () => {
    setPlaying(false);
    const element = video.current;
    if (!element) return;
    element.pause();
    element.currentTime = 0;
  };
  return (
    <figure className={`live-photo${playing ? ' playing' : ''}`}>
      <div className="live-frame" onPointerEnter={play} onPointerLeave={stop}>
        {still}
        <video
          ref={video}
          src={motionUrl(asset.id)}
          muted
          playsInline
          preload="none"
          onEnded={stop}
          aria-hidden={!playing}
          tabIndex={-1}
        />
      </div>
      <button
        type="button"
        className="live-button"
        aria-pressed={playing}
        onClick={playing ? stop : play}
      >
        LIVE
      </button>
    </figure>
  );
}
