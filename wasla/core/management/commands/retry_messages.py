from django.core.management.base import BaseCommand
from tqdm import tqdm

from wasla.core.messaging import message_enqueue_delivery, message_ids_due


class Command(BaseCommand):
    help = (
        "Hand every queued SMS and email whose next attempt is due back to the task queue: "
        "from cron, or after the queue or the gateway was down. Safe to repeat: a message "
        "that is already sent or not yet due is skipped by the worker."
    )

    def handle(self, *args, **options):
        message_ids = message_ids_due()
        quiet = options["verbosity"] == 0
        for message_id in tqdm(message_ids, desc="messages", unit="message", disable=quiet):
            message_enqueue_delivery(message_id=message_id)
        if not quiet:
            self.stdout.write(self.style.SUCCESS(f"{len(message_ids)} message(s) re-enqueued."))
