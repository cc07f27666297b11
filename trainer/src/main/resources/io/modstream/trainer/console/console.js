// Keys on the review queue: a label's number cycles its verdict (yes, no, not judged) in the
// form being worked on (the focused one, else the first); Enter sends that form.
document.addEventListener('keydown', (e) => {
  if (e.target.tagName === 'INPUT' && e.target.type === 'text') return;
  if (e.target.name === 'note') return;
  const form = e.target.closest ? (e.target.closest('form.item') || document.querySelector('form.item')) : null;
  if (!form) return;
  if (e.key >= '1' && e.key <= '9') {
    const radios = form.querySelectorAll('input[type=radio][data-key="' + e.key + '"]');
    if (radios.length !== 2) return;
    if (!radios[0].checked && !radios[1].checked) radios[0].checked = true;
    else if (radios[0].checked) { radios[0].checked = false; radios[1].checked = true; }
    else radios[1].checked = false;
    e.preventDefault();
  } else if (e.key === 'Enter' && e.target.tagName !== 'BUTTON') {
    form.requestSubmit();
    e.preventDefault();
  }
});
