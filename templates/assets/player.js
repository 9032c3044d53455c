// Enhancements of the episode page. Without this script the page still plays: the native <audio>
// controls, chapter and transcript links that open the audio at their time (a media fragment,
// `#t=750`), and a link to the video on YouTube.
{
  const player = document.querySelector('[data-player]');
  const audio = player?.querySelector('audio');

  if (audio) {
    const speeds = player.querySelector('[data-speeds]');
    const speedButtons = [...(speeds?.querySelectorAll('button[data-speed]') ?? [])];
    const showSpeed = () => {
      for (const button of speedButtons) button.setAttribute('aria-pressed', String(Number(button.dataset.speed) === audio.playbackRate));
    };
    for (const button of speedButtons) {
      button.addEventListener('click', () => {
        const speed = Number(button.dataset.speed);
        // The default rate survives the reload the browser does when the source changes.
        audio.defaultPlaybackRate = speed;
        audio.playbackRate = speed;
      });
    }
    audio.addEventListener('ratechange', showSpeed);
    if (speeds) speeds.hidden = false;
    showSpeed();

    const seek = (seconds) => {
      // With preload="none" nothing is loaded yet: the time is set once the browser knows the duration.
      if (audio.readyState === HTMLMediaElement.HAVE_NOTHING) {
        audio.addEventListener('loadedmetadata', () => { audio.currentTime = seconds; }, { once: true });
      }
      audio.currentTime = seconds;
      audio.play().catch(() => {
        // A browser that refuses to play (a blocked or missing file) still shows its own controls and error.
      });
    };

    document.addEventListener('click', (event) => {
      const link = event.target instanceof Element ? event.target.closest('a[data-seek]') : null;
      if (link === null || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      const seconds = Number(link.dataset.seek);
      if (!Number.isFinite(seconds)) return;
      event.preventDefault();
      seek(seconds);
    });
  }

  for (const preview of document.querySelectorAll('a[data-youtube]')) {
    const open = () => {
      const frame = document.createElement('iframe');
      // youtube-nocookie.com: the video is the listener's choice, the tracking cookies are not.
      frame.src = `https://www.youtube-nocookie.com/embed/${encodeURIComponent(preview.dataset.youtube)}?autoplay=1`;
      frame.title = preview.dataset.frameTitle ?? '';
      frame.allow = 'autoplay; encrypted-media; picture-in-picture; fullscreen';
      frame.allowFullscreen = true;
      frame.className = 'video-frame';
      preview.replaceWith(frame);
      frame.focus();
    };
    // With the script, the preview plays the video in place: a button, which Space presses too.
    // Without it, it stays a link that opens the video on YouTube.
    preview.setAttribute('role', 'button');
    preview.addEventListener('click', (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      open();
    });
    preview.addEventListener('keydown', (event) => {
      if (event.key !== ' ' || event.repeat || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      // Not a scroll of the page, which is what Space does on a link.
      event.preventDefault();
      open();
    });
  }
}
